/**
 * SD engine against the dense baseline, side by side, on MNIST and Fashion-MNIST (issue 7): both
 * engines come from the same generator and run the same trained model (the SD engine its SD form,
 * the dense baseline its float form quantized to dense int8, sw/flow/model.ts quantizeForEngines).
 * Per data set and engine: weight bits per memory, off-chip bytes per image (both energy scenarios),
 * on-chip accesses per memory per image, cycles per image from Verilator (every image bit-exact
 * against the golden model, the cycle model and runInt), modelled energy per image with its
 * breakdown (sw/energy), integer accuracy on the test set and accuracy on the RTL, and FPGA area
 * and Fmax from the fpga flow. Writes build/bench/compare.json; prints a JSON line at the end.
 *
 * Engines: configs/icebreaker.json and configs/icebreaker-dense.json on the icebreaker board when
 * both exist, else configs/default.json and configs/dense.json (FPGA on hx8k: they do not fit the
 * UP5K; the report says whether nextpnr ran or only synthesis).
 *
 * Usage: npx tsx bench/compare.ts [--quick] [--images n] [--no-fpga] [--data mnist,fashion]
 *   --images: test images on the RTL per engine (default 1,000; --quick 50)
 *   --quick: 50 RTL images, 1,000 accuracy images, FPGA only from earlier cached reports
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '../common/atomic-write.js';
import { isUserError, UserError } from '../common/user-error.js';
import { loadDataset } from '../sw/data/load.js';
import { loadConfig, type LoadedConfig } from '../sw/engine/config.js';
import { loadSdCheckpoint, quantizeForEngines } from '../sw/flow/model.js';
import { cachedArea, engineArea } from './compare-fpga.js';
import { configLabel, measureSide } from './compare-side.js';
import type { CompareResult, DatasetComparison, FpgaArea } from './report/types.js';

/** The shipped checkpoint of each data set (models/README.md). */
export const CHECKPOINTS: Record<string, string> = { mnist: 'models/mnist-small-sd.ckpt', fashion: 'models/fashion-small-sd.ckpt' };

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { quick: { type: 'boolean' }, images: { type: 'string' }, 'no-fpga': { type: 'boolean' }, data: { type: 'string' } } });
  const quick = values.quick === true || process.env.QUICK === '1';
  const rtlImages = Number(values.images ?? (quick ? 50 : 1000));
  if (!Number.isInteger(rtlImages) || rtlImages < 1) throw new UserError(`--images: expected a positive whole number, found ${JSON.stringify(values.images)}`);
  const accuracyImages = quick ? 1000 : 10_000;
  const datasets = (values.data ?? 'mnist,fashion').split(',');
  for (const d of datasets) if (!CHECKPOINTS[d]) throw new UserError(`--data: expected mnist or fashion, found ${JSON.stringify(d)}`);
  const log = (line: string) => process.stderr.write(line + '\n');

  const icebreaker = existsSync('configs/icebreaker.json') && existsSync('configs/icebreaker-dense.json');
  const sdConfig = loadConfig(icebreaker ? 'configs/icebreaker.json' : 'configs/default.json');
  const denseConfig = loadConfig(icebreaker ? 'configs/icebreaker-dense.json' : 'configs/dense.json');
  const board = icebreaker ? 'icebreaker' : 'hx8k';

  async function area(lc: LoadedConfig): Promise<FpgaArea | null> {
    if (values['no-fpga']) return null;
    if (quick) return cachedArea(lc, board) ?? null;
    return engineArea(lc, board, log);
  }

  const comparisons: DatasetComparison[] = [];
  for (const data of datasets) {
    const checkpoint = CHECKPOINTS[data]!;
    log(`\n--- ${data}: ${checkpoint}`);
    const ckpt = loadSdCheckpoint(checkpoint);
    const models = quantizeForEngines(ckpt, loadDataset(data, 'train'));
    const test = loadDataset(data, 'test');
    const common = { rtlImages, accuracyImages };
    const sd = await measureSide(models.sd, sdConfig, test, { ...common, rtlDir: join('build/bench/compare', `${data}-sd-rtl`), label: `${data} SD` });
    const dense = await measureSide(models.dense, denseConfig, test, { ...common, rtlDir: join('build/bench/compare', `${data}-dense-rtl`), label: `${data} dense` });
    comparisons.push({ data, checkpoint, sd, dense });
  }

  // Area belongs to the engine, not the data set: one flow run per configuration.
  const sdArea = await area(sdConfig);
  const denseArea = await area(denseConfig);
  for (const c of comparisons) {
    c.sd.fpga = sdArea;
    c.dense.fpga = denseArea;
  }

  const fpgaNote = values['no-fpga'] ? 'not run (--no-fpga).'
    : !sdArea || !denseArea ? `not run (QUICK uses only cached flow reports; run make bench once for ${board}).`
      : `fpga/flow.ts (yosys synth_ice40${[sdArea, denseArea].some((a) => a.source !== 'synthesis-only') ? ', nextpnr-ice40' : ''}) on ${board}, engine inside the scan wrapper; ` +
        `${icebreaker ? 'the icebreaker configurations' : 'configs/default.json and configs/dense.json (no icebreaker configurations in configs/)'}; ` +
        `SD: ${sdArea.source}${sdArea.status === 'ok' ? '' : ` (${sdArea.status})`}, dense: ${denseArea.source}${denseArea.status === 'ok' ? '' : ` (${denseArea.status})`}. ` +
        'LUT4, FF, EBR, SPRAM and DSP are yosys cell counts; "packed" means nextpnr packed the design (logic cells = LUT4 and FF paired) and found it too big to place, ' +
      '"synthesis-only" that yosys already found it too big; neither has an Fmax. The scan wrapper (serial access to the engine ports, the flow\'s way to put any design on the pins) is included.';

  const result: CompareResult = {
    bench: 'compare', quick, configs: { sd: configLabel(sdConfig), dense: configLabel(denseConfig) }, fpgaNote,
    energyNote: 'sw/energy/model.ts (per-event energies from a published 45 nm table, docs/energy.md), on golden-model events averaged over the RTL images; ' +
      'weights-resident: only the image and the logits cross the chip boundary; weights-streamed: the packed model comes from DRAM for every image (batch 1).',
    datasets: comparisons,
  };

  for (const c of comparisons) {
    const r = (a: number, b: number) => (a / b).toFixed(3);
    log(`${c.data}: energy SD/dense resident ${r(c.sd.energy!['weights-resident'].totalPj, c.dense.energy!['weights-resident'].totalPj)}, ` +
      `streamed ${r(c.sd.energy!['weights-streamed'].totalPj, c.dense.energy!['weights-streamed'].totalPj)}; weight bits ${r(c.sd.weightBitsTotal, c.dense.weightBitsTotal)}; ` +
      `cycles ${Math.round(c.sd.cyclesPerImage)} vs ${Math.round(c.dense.cyclesPerImage)}; accuracy ${(100 * c.sd.intAccuracy).toFixed(2)} % vs ${(100 * c.dense.intAccuracy).toFixed(2)} %; ` +
      `RTL bit-exact: SD ${c.sd.rtl.bitExact}, dense ${c.dense.rtl.bitExact}`);
  }
  writeFileAtomic('build/bench/compare.json', JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(JSON.stringify(result) + '\n');
  return comparisons.every((c) => c.sd.rtl.bitExact && c.dense.rtl.bitExact) ? 0 : 1;
}

// A user mistake (a flag, a missing checkpoint) is one line; anything else keeps its stack.
main().then((code) => process.exit(code), (e: unknown) => {
  if (!isUserError(e)) throw e;
  process.stderr.write(`compare: ${e.message}\n`);
  process.exit(2);
});

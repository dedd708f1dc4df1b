/**
 * Engine schedule benchmark (docs/engine.md "Measured"): the MNIST model on configs/default.json.
 * Per MAC layer: cycles from the cycle model, the ideal bound (MACs on kept rows / PEs) and their
 * ratio (goal for conv layers: <= 1.15); one image on Verilator whose cycle counter must equal the
 * model (and every other counter the golden model); the SD engine against the dense baseline
 * (configs/dense.json) on the same integer model: weight memory bits and cycles.
 *
 * Model: the trained checkpoint build/bench/mnist-sd.ckpt when present (quantized with 300 MNIST
 * calibration images), else a seeded random SD model of the mnist-small preset.
 *
 * Usage: npx tsx bench/engine-cycles.ts [--no-verilator] [--random]   (--random: the seeded random model)
 */
import { existsSync } from 'node:fs';
import { Rng } from '../common/rng.js';
import { simulateEngine } from '../generator/engine/simulate.js';
import { compareImage } from '../generator/engine/host-check.js';
import { loadCheckpoint } from '../sw/checkpoint/checkpoint.js';
import { loadDataset } from '../sw/data/load.js';
import { loadConfig, type LoadedConfig } from '../sw/engine/config.js';
import { inputActImage } from '../sw/engine/act-alloc.js';
import { keptRowsByGroup, layerTiming, type KeptRow } from '../sw/engine/cycle-model.js';
import type { Descriptor } from '../sw/engine/descriptor.js';
import { GoldenEngine } from '../sw/engine/golden.js';
import { memoryOf } from '../sw/engine/memory-map.js';
import { packModel, type PackedModel } from '../sw/engine/pack.js';
import { randomImages, randomIntModel } from '../sw/engine/random-model.js';
import { calibrationImages } from '../sw/quant/cli.js';
import { quantizeModel } from '../sw/quant/quantize.js';
import type { IntModel } from '../sw/quant/int-model.js';
import { presetSpec } from '../sw/nn/presets.js';

const CKPT = 'build/bench/mnist-sd.ckpt';
const SEED = 7;
const useVerilator = !process.argv.includes('--no-verilator');

/** The MNIST integer model and one test image. */
function mnistModel(): { model: IntModel; source: string; image: Uint8Array } {
  if (existsSync(CKPT) && !process.argv.includes('--random')) {
    const ckpt = loadCheckpoint(CKPT);
    const train = loadDataset('mnist', 'train');
    const test = loadDataset('mnist', 'test');
    const model = quantizeModel(ckpt.sd ? ckpt.sd.model : ckpt.model, {
      calibration: calibrationImages(train, 300), sd: ckpt.sd ? Object.values(ckpt.sd.layers) : [],
    });
    const size = test.pixels.length / test.count;
    return { model, source: `${CKPT} (trained${ckpt.sd ? ', SD' : ''})`, image: test.pixels.slice(0, size) };
  }
  const rng = new Rng(SEED);
  const spec = presetSpec('mnist-small');
  // A quarter of the rows pruned per group (the decomposition keeps all three rows of conv1).
  const model = randomIntModel(rng, { spec, sd: true, pruneFraction: 0.25 });
  const [C, H, W] = spec.inputShape;
  return { model, source: `random SD mnist-small, seed ${SEED}${existsSync(CKPT) ? '' : ` (no ${CKPT})`}`, image: randomImages(rng, 1, C * H * W)[0]! };
}

/**
 * The ideal bound's numerator: MACs on kept rows. Every output channel multiplies, at every output
 * pixel, each tap of each row its pruning group keeps (3 taps per conv3 row, the inputs 3r..3r+2
 * below C of a conv1/linear row; padding taps count: they multiply zIn). Rows the group pruned are
 * not MACs; a kept row that one output of the group does not store (code 0) is.
 */
function keptRowMacs(d: Descriptor, keptRows: readonly (readonly KeptRow[])[]): number {
  let macs = 0;
  for (let o = 0; o < d.O; o++) {
    for (const r of keptRows[Math.floor(o / d.groupSize)]!) macs += d.kind === 'conv3' ? 3 : Math.max(0, Math.min(3, d.C - 3 * r.c));
  }
  return macs * d.outH * d.outW;
}

interface LayerRow { name: string; kind: string; cycles: number; macs: number; ideal: number; ratio: number; stalls: number }

function layerRows(packed: PackedModel, image: Uint8Array): { rows: LayerRow[]; total: number } {
  const golden = new GoldenEngine(packed.config, packed.images).run(inputActImage(packed.map, packed.act, image));
  if (golden.status !== 'done') throw new Error(`golden model stopped: ${golden.error?.message}`);
  const pes = packed.config.peRows * packed.config.peCols;
  let total = 0;
  const rows = golden.layers.map((trace, i) => {
    const t = layerTiming(trace.descriptor, packed.config, packed.images);
    total += t.cycles;
    const placement = packed.layers[i]!;
    const d = trace.descriptor;
    const macs = d.kind === 'maxpool2' ? 0 : keptRowMacs(d, keptRowsByGroup(d, packed.config, packed.images));
    if (macs !== trace.events.macs) throw new Error(`layer ${placement.name}: MACs on kept rows ${macs} differ from the golden model's ${trace.events.macs}`);
    const ideal = macs / pes;
    return { name: placement.name, kind: d.kind, cycles: t.cycles, macs, ideal, ratio: ideal > 0 ? t.cycles / ideal : 0, stalls: t.stalls };
  });
  return { rows, total };
}

function weightBits(packed: PackedModel): number {
  const names = packed.config.mode === 'sd' ? (['CE', 'IDX', 'B'] as const) : (['W'] as const);
  return names.reduce((s, n) => s + (packed.used[n] ?? 0) * memoryOf(packed.map, n).width, 0);
}

async function rtlCheck(packed: PackedModel, lc: LoadedConfig, image: Uint8Array): Promise<{ cycles: number; model: number; mismatches: number }> {
  const { sim, host } = await simulateEngine(lc.config, { echo: false });
  try {
    host.loadModel(packed.images, packed.used);
    const r = compareImage(host, packed, image, 'bench');
    for (const m of r.mismatches.slice(0, 5)) process.stderr.write(`  mismatch: ${m}\n`);
    return { cycles: r.rtl.counters.cycles, model: r.golden.cycles!, mismatches: r.mismatches.length };
  } finally {
    sim.close();
  }
}

const pct = (x: number): string => x.toFixed(3);
const { model, source, image } = mnistModel();
const sdCfg = loadConfig('configs/default.json');
const denseCfg = loadConfig('configs/dense.json');
const sdPacked = packModel(model, sdCfg, source);
const densePacked = packModel(model, denseCfg, source);
const sd = layerRows(sdPacked, image);
const dense = layerRows(densePacked, image);

process.stdout.write(`model: ${source}\nengine: ${sdCfg.source} (${sdCfg.config.peRows}x${sdCfg.config.peCols} PEs); baseline ${denseCfg.source}\n\n`);
process.stdout.write('layer              kind      SD cycles  MACs(kept)   ideal     ratio  stalls | dense cycles  ratio\n');
sd.rows.forEach((r, i) => {
  const dn = dense.rows[i]!;
  process.stdout.write(`${r.name.padEnd(18)} ${r.kind.padEnd(9)} ${String(r.cycles).padStart(9)} ${String(r.macs).padStart(10)} ${r.ideal.toFixed(0).padStart(8)} ${(r.ideal > 0 ? pct(r.ratio) : '-').padStart(8)} ${String(r.stalls).padStart(7)} | ${String(dn.cycles).padStart(12)} ${(dn.ideal > 0 ? pct(dn.ratio) : '-').padStart(6)}\n`);
});
const sdBits = weightBits(sdPacked);
const denseBits = weightBits(densePacked);
process.stdout.write(`total              ${' '.repeat(9)} ${String(sd.total).padStart(9)} ${' '.repeat(37)}| ${String(dense.total).padStart(12)}\n`);
process.stdout.write(`weight memory: SD ${sdBits} bits (CE + IDX + B), dense ${denseBits} bits (W): ${(denseBits / sdBits).toFixed(2)}x smaller\n`);

let rtl: { sd: Awaited<ReturnType<typeof rtlCheck>>; dense: Awaited<ReturnType<typeof rtlCheck>> } | undefined;
if (useVerilator) {
  rtl = { sd: await rtlCheck(sdPacked, sdCfg, image), dense: await rtlCheck(densePacked, denseCfg, image) };
  process.stdout.write(`Verilator, one image: SD ${rtl.sd.cycles} cycles (model ${rtl.sd.model}), dense ${rtl.dense.cycles} cycles (model ${rtl.dense.model}); mismatches against golden + cycle model: ${rtl.sd.mismatches + rtl.dense.mismatches}\n`);
}
const convs = sd.rows.filter((r) => r.kind === 'conv3' || r.kind === 'conv1');
const worst = Math.max(...convs.map((r) => r.ratio));
process.stdout.write(`worst conv ratio ${pct(worst)} (goal <= 1.15): ${worst <= 1.15 ? 'met' : 'NOT met'}\n`);
process.stdout.write(JSON.stringify({
  model: source, config: sdCfg.source, pes: sdCfg.config.peRows * sdCfg.config.peCols,
  layers: sd.rows.map((r, i) => ({ ...r, ideal: Math.round(r.ideal * 100) / 100, ratio: Math.round(r.ratio * 1000) / 1000, denseCycles: dense.rows[i]!.cycles })),
  totalCycles: { sd: sd.total, dense: dense.total }, weightBits: { sd: sdBits, dense: denseBits },
  worstConvRatio: Math.round(worst * 1000) / 1000, goalMet: worst <= 1.15,
  ...(rtl ? { verilator: rtl } : {}),
}) + '\n');
if (rtl && rtl.sd.mismatches + rtl.dense.mismatches > 0) process.exit(1);

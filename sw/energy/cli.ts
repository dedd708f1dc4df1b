/**
 * `smartdeal energy`: modelled energy per image of a checkpoint on the SD engine against the dense
 * baseline of the same network, both off-chip scenarios, with the breakdown (docs/energy.md). The SD
 * engine runs the quantized SD model; the dense engine runs the dense int8 model of the same float
 * network (sw/flow/model.ts quantizeForEngines, as `smartdeal demo` does). Events are the golden
 * model's, averaged over the first N test images.
 */
import type { Command } from 'commander';
import { writeFileAtomic } from '../../common/atomic-write.js';
import { UserError } from '../../common/user-error.js';
import { imageSize } from '../data/dataset.js';
import { loadDataset } from '../data/load.js';
import { loadConfig } from '../engine/config.js';
import { memoryOf } from '../engine/memory-map.js';
import { packModel, type PackedModel } from '../engine/pack.js';
import { SHIPPED_CHECKPOINT, loadSdCheckpoint, quantizeForEngines } from '../flow/model.js';
import { numberOption } from '../sd/cli.js';
import { formatBreakdown, formatComparison } from './breakdown.js';
import { SCENARIOS } from './model.js';
import { energyReport } from './report.js';

interface EnergyCli {
  checkpoint: string;
  data: string;
  images: string;
  sdConfig: string;
  denseConfig: string;
  dram: string;
  json?: string;
}

const weightBits = (p: PackedModel): number =>
  (p.config.mode === 'sd' ? ['CE', 'IDX', 'B'] : ['W']).reduce((s, n) => s + (p.used[n as 'W'] ?? 0) * memoryOf(p.map, n as 'W').width, 0);

export function runEnergy(o: EnergyCli): void {
  const images = numberOption('--images', o.images, 1);
  if (!Number.isInteger(images) || images < 1) throw new UserError(`--images: expected a positive integer, got '${o.images}'`);
  if (o.dram !== 'low' && o.dram !== 'high') throw new UserError(`--dram: expected low or high, found '${o.dram}'`);
  const dram = o.dram;
  const t0 = performance.now();
  const sdCfg = loadConfig(o.sdConfig);
  const denseCfg = loadConfig(o.denseConfig);
  if (sdCfg.config.mode !== 'sd') throw new UserError(`${o.sdConfig}: mode: expected sd for --sd-config, found ${sdCfg.config.mode}`);
  if (denseCfg.config.mode !== 'dense') throw new UserError(`${o.denseConfig}: mode: expected dense for --dense-config, found ${denseCfg.config.mode}`);
  const ckpt = loadSdCheckpoint(o.checkpoint);
  const train = loadDataset(o.data, 'train');
  const test = loadDataset(o.data, 'test');
  const models = quantizeForEngines(ckpt, train);
  const sdPacked = packModel(models.sd, sdCfg, `${o.checkpoint} (SD)`);
  const densePacked = packModel(models.dense, denseCfg, `${o.checkpoint} (dense int8)`);
  const size = imageSize(test);
  const n = Math.min(images, test.count);
  const pixels = Array.from({ length: n }, (_, i) => test.pixels.slice(i * size, (i + 1) * size));
  const sd = energyReport(sdPacked, sdCfg.config, pixels, { dram });
  const dense = energyReport(densePacked, denseCfg.config, pixels, { dram });

  const out: string[] = [
    `model ${o.checkpoint}; ${n} ${o.data} test images; SD ${sdCfg.source}, dense ${denseCfg.source}; DRAM ${dram} end of 1.3-2.6 nJ / 64 bits`,
    `weight memory bits: SD ${weightBits(sdPacked)} (CE + IDX + B), dense ${weightBits(densePacked)} (W)`,
    `MACs per image: SD ${sd.events.macs}, dense ${dense.events.macs}`,
  ];
  for (const s of SCENARIOS) {
    out.push('', `== ${s}: off-chip bytes per image SD ${sd.offChip[s].totalBytes}, dense ${dense.offChip[s].totalBytes}`);
    out.push(formatComparison([{ label: 'SD', breakdown: sd.perImage[s] }, { label: 'dense', breakdown: dense.perImage[s] }]));
  }
  for (const s of SCENARIOS) out.push('', formatBreakdown(sd.perImage[s], 'SD'), '', formatBreakdown(dense.perImage[s], 'dense'));
  out.push('', `${((performance.now() - t0) / 1000).toFixed(1)} s`);
  process.stdout.write(out.join('\n') + '\n');
  if (o.json) {
    writeFileAtomic(o.json, JSON.stringify({ checkpoint: o.checkpoint, data: o.data, images: n, dram, sd, dense }, null, 2) + '\n');
    process.stdout.write(`wrote ${o.json}\n`);
  }
}

export function registerEnergy(program: Command): void {
  program
    .command('energy')
    .description('modelled energy per image: SD engine against the dense baseline on the same network, with the breakdown (docs/energy.md)')
    .option('--checkpoint <file>', 'SD checkpoint (float model + SD form)', SHIPPED_CHECKPOINT)
    .option('--data <set>', 'mnist or fashion (calibration and test images)', 'mnist')
    .option('--images <n>', 'test images whose golden-model events are averaged', '20')
    .option('--sd-config <json>', 'SD engine configuration', 'configs/default.json')
    .option('--dense-config <json>', 'dense baseline configuration', 'configs/dense.json')
    .option('--dram <level>', 'low or high end of the 1.3-2.6 nJ per 64-bit DRAM access', 'low')
    .option('--json <file>', 'also write the reports as JSON')
    .action((o: EnergyCli) => runEnergy(o));
}

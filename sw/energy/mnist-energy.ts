/**
 * Energy per MNIST image of the shipped model: the SD engine (configs/default.json) against the
 * dense baseline (configs/dense.json), both off-chip scenarios, with the breakdown. The SD engine
 * runs the quantized SD model; the dense engine runs the dense int8 model of the same float network
 * (sw/flow/model.ts quantizeForEngines, as `smartdeal demo` does). Golden-model events averaged over
 * the first N test images.
 *
 * Usage: npx tsx sw/energy/mnist-energy.ts [--images N] [--ckpt path] [--data mnist|fashion] [--dram low|high] [--json out.json]
 * (--data fashion: calibration and test images from Fashion-MNIST, e.g. with build/bench/fashion-sd.ckpt)
 */
import { writeFileAtomic } from '../../common/atomic-write.js';
import { UserError } from '../../common/user-error.js';
import { imageSize } from '../data/dataset.js';
import { loadDataset } from '../data/load.js';
import { loadConfig } from '../engine/config.js';
import { memoryOf } from '../engine/memory-map.js';
import { packModel, type PackedModel } from '../engine/pack.js';
import { SHIPPED_CHECKPOINT, loadSdCheckpoint, quantizeForEngines } from '../flow/model.js';
import { formatBreakdown, formatComparison } from './breakdown.js';
import { SCENARIOS } from './model.js';
import { energyReport } from './report.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const images = Number(arg('--images', '20'));
const ckptPath = arg('--ckpt', SHIPPED_CHECKPOINT);
const jsonOut = arg('--json', '');
const data = arg('--data', 'mnist');
const dram = arg('--dram', 'low');
if (dram !== 'low' && dram !== 'high') throw new UserError(`--dram: expected low or high, found ${dram}`);

const t0 = performance.now();
const ckpt = loadSdCheckpoint(ckptPath);
const train = loadDataset(data, 'train');
const test = loadDataset(data, 'test');
const models = quantizeForEngines(ckpt, train);
const sdCfg = loadConfig('configs/default.json');
const denseCfg = loadConfig('configs/dense.json');
const sdPacked = packModel(models.sd, sdCfg, `${ckptPath} (SD)`);
const densePacked = packModel(models.dense, denseCfg, `${ckptPath} (dense int8)`);
const size = imageSize(test);
const pixels = Array.from({ length: images }, (_, i) => test.pixels.slice(i * size, (i + 1) * size));
const sd = energyReport(sdPacked, sdCfg.config, pixels, { dram });
const dense = energyReport(densePacked, denseCfg.config, pixels, { dram });

const weightBits = (p: PackedModel): number => (p.config.mode === 'sd' ? ['CE', 'IDX', 'B'] : ['W']).reduce((s, n) => s + (p.used[n as 'W'] ?? 0) * memoryOf(p.map, n as 'W').width, 0);
const out: string[] = [
  `model ${ckptPath}; ${images} ${data} test images; SD ${sdCfg.source}, dense ${denseCfg.source}; DRAM ${dram} end of 1.3-2.6 nJ / 64 bits`,
  `weight memory bits: SD ${weightBits(sdPacked)} (CE + IDX + B), dense ${weightBits(densePacked)} (W)`,
  `MACs per image: SD ${sd.events.macs}, dense ${dense.events.macs}`,
];
for (const s of SCENARIOS) {
  out.push('', `== ${s}: off-chip bytes per image SD ${sd.offChip[s].totalBytes}, dense ${dense.offChip[s].totalBytes}`);
  out.push(formatComparison([{ label: 'SD', breakdown: sd.perImage[s] }, { label: 'dense', breakdown: dense.perImage[s] }]));
  out.push(`  energy efficiency SD over dense: ${(dense.perImage[s].totalPj / sd.perImage[s].totalPj).toFixed(2)}x`);
}
for (const s of SCENARIOS) out.push('', formatBreakdown(sd.perImage[s], 'SD'), '', formatBreakdown(dense.perImage[s], 'dense'));
out.push('', `${((performance.now() - t0) / 1000).toFixed(1)} s`);
process.stdout.write(out.join('\n') + '\n');
if (jsonOut) writeFileAtomic(jsonOut, JSON.stringify({ checkpoint: ckptPath, data, images, dram, sd, dense }, null, 2) + '\n');

/**
 * `smartdeal quantize`: turns a checkpoint (float or SD form) into an IntModel file and reports
 * integer accuracy next to float accuracy, the largest accumulators and the weight storage.
 */
import type { Command } from 'commander';
import { writeFileAtomic } from '../../common/atomic-write.js';
import { UserError } from '../../common/user-error.js';
import { loadCheckpoint } from '../checkpoint/checkpoint.js';
import { subset, type ImageDataset } from '../data/dataset.js';
import { loadDataset } from '../data/load.js';
import type { FloatModel } from '../model/spec.js';
import type { SdLayer } from '../sd/blocks.js';
import { DEFAULT_DECOMPOSE_OPTIONS, decomposeLayer } from '../sd/decompose.js';
import { storageBits } from '../sd/storage.js';
import { numberOption } from '../sd/cli.js';
import { floatAccuracy, intAccuracy } from './accuracy.js';
import { saveIntModel } from './int-model-io.js';
import { isMacLayer } from './int-model.js';
import { effectiveFloatModel, quantizeModel } from './quantize.js';

interface QuantizeCli {
  ckpt: string;
  out: string;
  form: string;
  data?: string;
  calib: string;
  calibration: string;
  percentile: string;
  multiplierBits: string;
  weightScale: string;
  testLimit?: string;
  report?: string;
  prune: string;
  threshold: string;
}

/** `count` training images spread evenly over the set (deterministic, no overlap with the test set). */
export function calibrationImages(train: ImageDataset, count: number): Uint8Array[] {
  const size = train.pixels.length / train.count;
  const n = Math.min(count, train.count);
  return Array.from({ length: n }, (_, i) => {
    const k = Math.floor((i * train.count) / n);
    return train.pixels.subarray(k * size, (k + 1) * size);
  });
}

function oneOf<T extends string>(flag: string, v: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(v)) throw new UserError(`${flag}: expected one of ${allowed.join(', ')}, got '${v}'`);
  return v as T;
}

/** Post-training decomposition of every conv/linear layer (--form post-sd); --prune applies to convs. */
function postTrainingSd(model: FloatModel, o: QuantizeCli): SdLayer[] {
  const prune = numberOption('--prune', o.prune, 0);
  const threshold = numberOption('--threshold', o.threshold, DEFAULT_DECOMPOSE_OPTIONS.threshold);
  return model.spec.layers.flatMap((l): SdLayer[] => {
    if (l.kind !== 'conv' && l.kind !== 'linear') return [];
    const shape = l.kind === 'conv' ? [l.outChannels, l.inChannels, l.kernel, l.kernel] : [l.outFeatures, l.inFeatures];
    const layer = decomposeLayer(l.name, model.params[l.name]!.weight, shape, { threshold, pruneFraction: l.kind === 'conv' && l.inChannels > 1 ? prune : 0 });
    return layer ? [layer] : [];
  });
}

export function runQuantize(o: QuantizeCli): Record<string, unknown> {
  const ckpt = loadCheckpoint(o.ckpt);
  const form = oneOf('--form', o.form, ['auto', 'float', 'sd', 'post-sd'] as const);
  const useSd = form === 'sd' || (form === 'auto' && ckpt.sd !== undefined);
  if (useSd && !ckpt.sd) throw new UserError(`${o.ckpt}: --form sd asks for the SD model, but the checkpoint has none (train with --sd)`);
  const model = useSd ? ckpt.sd!.model : ckpt.model;
  const sd = useSd ? Object.values(ckpt.sd!.layers) : form === 'post-sd' ? postTrainingSd(model, o) : [];
  const sdByName = new Map(sd.map((l) => [l.name, l]));
  const data = o.data ?? String(ckpt.meta.data ?? 'mnist');
  const calibCount = numberOption('--calib', o.calib, 300);
  if (!Number.isInteger(calibCount) || calibCount < 1) throw new UserError(`--calib: expected a positive integer, got '${o.calib}'`);
  const bits = numberOption('--multiplier-bits', o.multiplierBits, 16);
  if (!Number.isInteger(bits) || bits < 8 || bits > 22) throw new UserError(`--multiplier-bits: expected an integer in 8..22, got '${o.multiplierBits}'`);
  const train = loadDataset(data, 'train');
  let test = loadDataset(data, 'test');
  if (o.testLimit !== undefined) test = subset(test, 0, numberOption('--test-limit', o.testLimit, test.count));

  const im = quantizeModel(model, {
    calibration: calibrationImages(train, calibCount),
    calibrationMethod: { method: oneOf('--calibration', o.calibration, ['minmax', 'percentile'] as const), percentile: numberOption('--percentile', o.percentile, 99.99) },
    sd,
    multiplierBits: bits,
    weightGranularity: oneOf('--weight-scale', o.weightScale, ['channel', 'layer'] as const),
  });
  saveIntModel(o.out, im);
  const fl = floatAccuracy(effectiveFloatModel(model, sd), test);
  const it = intAccuracy(im, test);
  const layers = im.layers.filter(isMacLayer).map((l) => ({
    name: l.name, sd: l.sd !== undefined, maxAbsAcc: it.maxAbsAcc[l.name] ?? 0, accBound: l.accBound,
    bSaturations: l.sd?.bSaturations ?? 0,
    storageBits: l.sd ? storageBits(sdByName.get(l.name)!).totalBits : l.weights.length * 8,
    denseInt8Bits: l.weights.length * 8,
  }));
  const report = {
    checkpoint: o.ckpt, form: useSd ? 'sd' : form === 'post-sd' ? 'post-sd' : 'float', data: test.name, count: test.count, calibrationImages: calibCount,
    floatAccuracy: fl.accuracy, intAccuracy: it.accuracy, multiplierBits: bits, layers,
  };
  if (sd.length > 0) process.stdout.write(`float accuracy before SD: ${(100 * floatAccuracy(ckpt.model, test).accuracy).toFixed(2)}%\n`);
  process.stdout.write(`${sd.length > 0 ? 'SD float (Ce x B)' : 'float'} accuracy on ${test.name} (${test.count} images): ${(100 * fl.accuracy).toFixed(2)}%\n`);
  process.stdout.write(`integer accuracy: ${(100 * it.accuracy).toFixed(2)}% (${(100 * (it.accuracy - fl.accuracy)).toFixed(2)} points)\n`);
  for (const l of layers) {
    process.stdout.write(`  ${l.name}${l.sd ? ' (SD)' : ''}: max |acc| ${l.maxAbsAcc} (bound ${l.accBound}, 32-bit limit ${2 ** 31 - 1}), weights ${l.storageBits} bits vs ${l.denseInt8Bits} dense int8\n`);
  }
  process.stdout.write(`integer model written to ${o.out}\n`);
  if (o.report) writeFileAtomic(o.report, JSON.stringify(report, null, 2) + '\n');
  return report;
}

/** Adds `smartdeal quantize` to the program. */
export function registerQuantize(program: Command): void {
  program
    .command('quantize')
    .description('integer-only model (int8, int32 accumulators, fixed-point requantization) from a checkpoint, with accuracy against float')
    .requiredOption('--ckpt <file>', 'checkpoint written by smartdeal train')
    .option('--out <file>', 'integer model (JSON) to write', 'build/quant/int-model.json')
    .option('--form <which>', 'auto | float | sd | post-sd (auto: the SD model when the checkpoint has one; post-sd: decompose the float model here, no fine-tuning)', 'auto')
    .option('--prune <fraction>', 'with --form post-sd: group pruning fraction of conv rows (convs with more than one input channel)', '0')
    .option('--threshold <t>', 'with --form post-sd: Ce threshold (layer units)', String(DEFAULT_DECOMPOSE_OPTIONS.threshold))
    .option('--data <name>', 'data set for calibration and accuracy (default: the one it was trained on)')
    .option('--calib <n>', 'calibration images from the training set', '300')
    .option('--calibration <method>', 'minmax | percentile', 'minmax')
    .option('--percentile <p>', 'percentile kept inside the range with --calibration percentile', '99.99')
    .option('--multiplier-bits <n>', 'width of the requantization multiplier', '16')
    .option('--weight-scale <granularity>', 'channel | layer (the classifier always uses one scale)', 'channel')
    .option('--test-limit <n>', 'use only the first n test images')
    .option('--report <file>', 'also write the results as JSON')
    .action((o: QuantizeCli) => {
      runQuantize(o);
    });
}

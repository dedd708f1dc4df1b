/**
 * `smartdeal decompose`: post-training SmartDeal decomposition of weight tensors stored as .npy files,
 * writing a JSON report of reconstruction error, sparsity, exponent range and storage per tensor.
 */
import { basename } from 'node:path';
import type { Command } from 'commander';
import { writeFileAtomic } from '../../common/atomic-write.js';
import { startProgress } from '../../common/progress.js';
import { UserError } from '../../common/user-error.js';
import { loadCheckpoint } from '../checkpoint/checkpoint.js';
import { readNpy } from '../npy/npy.js';
import { DEFAULT_DECOMPOSE_OPTIONS, type DecomposeOptions, validateDecomposeOptions } from './decompose.js';
import { type DecomposeReport, type TensorInput, formatReportLine, reportTensor, totals } from './report.js';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Parses a numeric option, naming it when the text is not a number. */
export function numberOption(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v)) throw new UserError(`${flag}: expected a number, got '${text}'`);
  return v;
}

/** Parses `NAME=FRACTION` items into a map. */
export function parseLayerFractions(items: string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const item of items) {
    const m = /^([^=]+)=(.+)$/.exec(item);
    if (!m) throw new UserError(`--prune-layer: expected NAME=FRACTION, got '${item}'`);
    out.set(m[1]!, numberOption(`--prune-layer ${m[1]}`, m[2], 0));
  }
  return out;
}

interface DecomposeCliOptions {
  weights: string[];
  ckpt?: string;
  report: string;
  prune?: string;
  pruneLayer: string[];
  groupSize?: string;
  threshold?: string;
  rowThreshold?: string;
  maxC?: string;
  expBits?: string;
  iterations?: string;
  blockRows?: string;
}

export function decomposeOptionsFromCli(o: DecomposeCliOptions): DecomposeOptions {
  const d = DEFAULT_DECOMPOSE_OPTIONS;
  const opts: DecomposeOptions = {
    ...d,
    groupSize: numberOption('--group-size', o.groupSize, d.groupSize),
    threshold: numberOption('--threshold', o.threshold, d.threshold),
    rowThreshold: numberOption('--row-threshold', o.rowThreshold, d.rowThreshold),
    maxC: numberOption('--max-c', o.maxC, d.maxC),
    expBits: numberOption('--exp-bits', o.expBits, d.expBits),
    iterations: numberOption('--iterations', o.iterations, d.iterations),
    blockRows: numberOption('--block-rows', o.blockRows, d.blockRows),
    pruneFraction: numberOption('--prune', o.prune, 0),
  };
  validateDecomposeOptions(opts);
  return opts;
}

/** The conv and linear weights of a checkpoint's float model, named by layer. */
function checkpointTensors(path: string): TensorInput[] {
  const { model } = loadCheckpoint(path);
  return model.spec.layers.flatMap((l): TensorInput[] => {
    if (l.kind !== 'conv' && l.kind !== 'linear') return [];
    const shape = l.kind === 'conv' ? [l.outChannels, l.inChannels, l.kernel, l.kernel] : [l.outFeatures, l.inFeatures];
    return [{ source: `${path}:${l.name}`, name: l.name, shape, weight: model.params[l.name]!.weight }];
  });
}

/** Runs the decomposition over .npy files and writes the report; returns it too (for tests). */
export function runDecompose(o: DecomposeCliOptions): DecomposeReport {
  if (o.weights.length === 0 && !o.ckpt) throw new UserError('decompose: give at least one --weights FILE.npy or a --ckpt');
  const opts = decomposeOptionsFromCli(o);
  const perLayer = parseLayerFractions(o.pruneLayer);
  const inputs: TensorInput[] = o.weights.map((path) => {
    const a = readNpy(path);
    return { source: path, name: basename(path).replace(/\.npy$/i, ''), shape: a.shape, weight: Float32Array.from(a.data) };
  });
  if (o.ckpt) inputs.push(...checkpointTensors(o.ckpt));
  for (const name of perLayer.keys()) {
    if (!inputs.some((t) => t.name === name)) throw new UserError(`--prune-layer: no weight tensor named '${name}' (tensors: ${inputs.map((t) => t.name).join(', ')})`);
  }
  const progress = startProgress('decompose', inputs.length);
  const tensors = inputs.map((t, i) => {
    // --prune applies to conv weights with more than one input channel (as in SD training): pruning
    // the few rows of a first layer on raw pixels costs accuracy for no storage
    const fraction = perLayer.get(t.name) ?? (t.shape.length === 4 && t.shape[1]! > 1 ? opts.pruneFraction : 0);
    const { report } = reportTensor(t, opts, fraction);
    progress.update(i + 1);
    return report;
  });
  progress.stop();
  const report: DecomposeReport = { options: opts, tensors, total: totals(tensors) };
  writeFileAtomic(o.report, JSON.stringify(report, null, 2) + '\n');
  for (const t of tensors) process.stdout.write(formatReportLine(t) + '\n');
  process.stdout.write(`total: ${report.total.sdBits} bits vs ${report.total.denseInt8Bits} dense int8 = ${report.total.ratio.toFixed(2)}x; report ${o.report}\n`);
  return report;
}

/** Adds `smartdeal decompose` to the program. */
export function registerDecompose(program: Command): void {
  const d = DEFAULT_DECOMPOSE_OPTIONS;
  program
    .command('decompose')
    .description('SmartDeal post-training decomposition of weight tensors (.npy) with a storage and error report')
    .option('--weights <file>', 'weight tensor .npy: [out][in] linear or [O][C][kh][kw] conv (repeat for more)', collect, [])
    .option('--ckpt <file>', 'also decompose every conv/linear weight of this checkpoint\'s float model')
    .requiredOption('--report <file>', 'JSON report to write')
    .option('--prune <fraction>', 'fraction of rows pruned per output-channel group of every conv weight with more than one input channel', '0')
    .option('--prune-layer <name=fraction>', 'prune fraction for one tensor (file name without .npy); repeatable', collect, [])
    .option('--group-size <n>', 'output channels per pruning group', String(d.groupSize))
    .option('--threshold <t>', 'Ce entries below this become 0 (units: the layer divided by 2^floor(log2 max|W|))', String(d.threshold))
    .option('--row-threshold <t>', 'row-wise variant: rows with L1 below this become 0 (0 = off)', String(d.rowThreshold))
    .option('--max-c <c>', 'largest Ce magnitude', String(d.maxC))
    .option('--exp-bits <n>', 'exponent field bits of a Ce code (2^n - 1 exponents per block)', String(d.expBits))
    .option('--iterations <n>', 'most alternating least-squares iterations per block', String(d.iterations))
    .option('--block-rows <n>', 'matrix rows per block (192 = 64 input channels of a 3x3 conv)', String(d.blockRows))
    .action((o: DecomposeCliOptions) => {
      runDecompose(o);
    });
}

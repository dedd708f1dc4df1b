/**
 * `smartdeal train` and `smartdeal eval`.
 */
import type { Command } from 'commander';
import { UserError } from '../../common/user-error.js';
import { startProgress } from '../../common/progress.js';
import { subset, type ImageDataset } from '../data/dataset.js';
import { DATASETS, loadDataset } from '../data/load.js';
import { PRESETS, presetSpec } from '../nn/presets.js';
import { SCHEDULES } from '../optim/schedule.js';
import { loadCheckpoint, saveCheckpoint, type Checkpoint } from '../checkpoint/checkpoint.js';
import { DEFAULT_FLOAT_CONFIG, trainFloat, type EpochRecord, type FloatTrainConfig } from './run.js';
import { collect, layerFractions, num, oneOf } from './cli-options.js';
import { pruneFineTune } from '../sdtrain/prune-finetune.js';
import { DEFAULT_DECOMPOSE_OPTIONS } from '../sd/decompose.js';
import { DEFAULT_SD_CONFIG, SD_UPDATES, trainSd, type SdTrainConfig } from '../sdtrain/finetune.js';
import { evaluateModels } from './evaluate-models.js';

interface TrainCli {
  data: string; model: string; epochs: string; batch: string; lr: string; optimizer: string; schedule: string;
  momentum: string; weightDecay: string; seed: string; bn: boolean; compressLoss: string; trainLimit?: string;
  testLimit?: string; out: string; sd: boolean; sdEpochs: string; sdLr: string; sdUpdate: string; sdBar: string;
  sdInt8Acts: boolean; prune: string; sdCompressLoss: string; from?: string;
  /** Options added later; optional so that programmatic callers may leave them out (defaults apply). */
  shift?: string; sdShift?: string; pruneLayer?: string[]; pruneOutput?: string[]; pruneEpochs?: string; blockRows?: string; groupSize?: string;
}

function loadSplits(data: string, trainLimit?: string, testLimit?: string): { train: ImageDataset; test: ImageDataset } {
  const name = oneOf('--data', data, DATASETS);
  let train = loadDataset(name, 'train');
  let test = loadDataset(name, 'test');
  if (trainLimit !== undefined) train = subset(train, 0, num('--train-limit', trainLimit, { integer: true, min: 1 }));
  if (testLimit !== undefined) test = subset(test, 0, num('--test-limit', testLimit, { integer: true, min: 1 }));
  return { train, test };
}

function epochLine(label: string, r: EpochRecord): string {
  if (r.train.count === 0) return `${label} before training: test loss ${r.test.loss.toFixed(4)} acc ${(100 * r.test.accuracy).toFixed(2)}%\n`;
  return `${label} epoch ${r.epoch}: train loss ${r.train.loss.toFixed(4)} acc ${(100 * r.train.accuracy).toFixed(2)}%, ` +
    `test loss ${r.test.loss.toFixed(4)} acc ${(100 * r.test.accuracy).toFixed(2)}% (${r.seconds.toFixed(1)} s)\n`;
}

/** Progress bar per epoch with running loss and accuracy. */
function progressHooks(label: string, total: number) {
  let bar: ReturnType<typeof startProgress> | null = null;
  let current = -1;
  return {
    onBatch: (epoch: number, done: number, m: { loss: number; accuracy: number }) => {
      if (epoch !== current) {
        bar?.stop();
        bar = startProgress(`${label} epoch ${epoch + 1}`, total, ['loss', 'acc']);
        current = epoch;
      }
      bar!.update(done, { loss: m.loss.toFixed(4), acc: `${(100 * m.accuracy).toFixed(2)}%` });
    },
    onEpoch: (r: EpochRecord) => {
      bar?.stop();
      bar = null;
      process.stdout.write(epochLine(label, r));
    },
  };
}

export function runTrain(o: TrainCli): Checkpoint {
  const { train, test } = loadSplits(o.data, o.trainLimit, o.testLimit);
  const c: FloatTrainConfig = {
    ...DEFAULT_FLOAT_CONFIG,
    epochs: num('--epochs', o.epochs, { integer: true, min: o.from ? 0 : 1 }),
    batch: num('--batch', o.batch, { integer: true, min: 1 }),
    lr: num('--lr', o.lr, { min: 0 }),
    optimizer: oneOf('--optimizer', o.optimizer, ['sgd', 'adam'] as const),
    schedule: oneOf('--schedule', o.schedule, SCHEDULES),
    momentum: num('--momentum', o.momentum, { min: 0 }),
    weightDecay: num('--weight-decay', o.weightDecay, { min: 0 }),
    seed: num('--seed', o.seed, { integer: true }),
    batchNorm: o.bn,
    compressLoss: num('--compress-loss', o.compressLoss, { min: 0 }),
    shift: num('--shift', o.shift ?? '0', { integer: true, min: 0 }),
  };
  // Pruning options are checked before any training, so a typo does not cost a float run.
  const layerPrune = layerFractions('--prune-layer', o.pruneLayer ?? []);
  const outputPrune = layerFractions('--prune-output', o.pruneOutput ?? []);
  const layerNames = presetSpec(o.model).layers.flatMap((l) => ('name' in l ? [l.name] : []));
  for (const [flag, names] of [['--prune-layer', Object.keys(layerPrune)], ['--prune-output', Object.keys(outputPrune)]] as const) {
    for (const n of names) if (!layerNames.includes(n)) throw new UserError(`${flag}: model ${o.model} has no conv/linear layer "${n}" (layers: ${layerNames.join(', ')})`);
  }
  for (const n of Object.keys(outputPrune)) if (!(n in layerPrune)) layerPrune[n] = 0;
  let meta: Record<string, unknown> = { data: o.data, preset: o.model, float: c };
  let ckpt: Checkpoint;
  if (o.from) {
    ckpt = loadCheckpoint(o.from);
    process.stdout.write(`float model from ${o.from}\n`);
    meta = { ...ckpt.meta, data: o.data, from: o.from };
  } else {
    const spec = presetSpec(o.model);
    const run = trainFloat(spec, train, test, c, progressHooks('float', train.count));
    meta.floatHistory = run.history;
    ckpt = { model: run.model, meta };
  }
  if (o.sd) {
    const sc: SdTrainConfig = {
      ...DEFAULT_SD_CONFIG,
      epochs: num('--sd-epochs', o.sdEpochs, { integer: true, min: 0 }),
      batch: c.batch,
      seed: c.seed,
      lr: num('--sd-lr', o.sdLr, { min: 0 }),
      update: oneOf('--sd-update', o.sdUpdate, SD_UPDATES),
      bar: num('--sd-bar', o.sdBar, { integer: true, min: 1 }),
      int8Activations: o.sdInt8Acts,
      pruneFraction: num('--prune', o.prune, { min: 0 }),
      compressLoss: num('--sd-compress-loss', o.sdCompressLoss, { min: 0 }),
      shift: num('--sd-shift', o.sdShift ?? '0', { integer: true, min: 0 }),
      layerPrune,
      blockRows: num('--block-rows', o.blockRows ?? String(DEFAULT_SD_CONFIG.blockRows), { integer: true, min: 1 }),
      // Pruning groups of the engine's peRows outputs let the index selector skip a row for a whole tile.
      groupSize: num('--group-size', o.groupSize ?? String(DEFAULT_SD_CONFIG.groupSize), { integer: true, min: 1 }),
    };
    const pruneEpochs = num('--prune-epochs', o.pruneEpochs ?? '0', { integer: true, min: 0 });
    let start = ckpt.model;
    if (pruneEpochs > 0 || Object.keys(outputPrune).length > 0) {
      // Pruned float fine-tuning: the SD stage then finds the pruned rows already at zero.
      const pc = { ...sc, lr: c.lr / 3, weightDecay: c.weightDecay, epochs: pruneEpochs, outputPrune, basis: DEFAULT_DECOMPOSE_OPTIONS.basis };
      const pruned = pruneFineTune(ckpt.model, train, test, pc, progressHooks('pruned float', train.count));
      meta = { ...meta, prune: { epochs: pruneEpochs, layerPrune: sc.layerPrune, outputPrune }, pruneHistory: pruned.history };
      start = pruned.model;
    }
    const run = trainSd(start, train, test, sc, progressHooks('sd', train.count));
    ckpt = { model: ckpt.model, sd: { model: run.model, layers: run.sd }, meta: { ...meta, sd: sc, sdHistory: run.history, bucketSwitches: run.switches } };
  }
  saveCheckpoint(o.out, ckpt);
  process.stdout.write(`checkpoint written to ${o.out}\n`);
  return ckpt;
}

export function registerTrain(program: Command): void {
  const d = DEFAULT_FLOAT_CONFIG, s = DEFAULT_SD_CONFIG;
  program
    .command('train')
    .description('train a model on MNIST or Fashion-MNIST (float with batch norm, then SD-aware fine-tuning unless --no-sd) and write a checkpoint')
    .option('--data <name>', `data set: ${DATASETS.join(' | ')}`, 'mnist')
    .option('--model <preset>', `model preset: ${Object.keys(PRESETS).join(' | ')}`, 'mnist-small')
    .option('--epochs <n>', 'float training epochs', String(d.epochs))
    .option('--batch <n>', 'batch size', String(d.batch))
    .option('--lr <rate>', 'peak learning rate', String(d.lr))
    .option('--optimizer <name>', 'sgd | adam', d.optimizer)
    .option('--schedule <name>', `learning-rate schedule: ${SCHEDULES.join(' | ')}`, d.schedule)
    .option('--momentum <m>', 'SGD momentum', String(d.momentum))
    .option('--weight-decay <wd>', 'L2 weight decay (not on biases and batch norm)', String(d.weightDecay))
    .option('--seed <n>', 'seed of initialisation and batch order', String(d.seed))
    .option('--no-bn', 'train without batch norm after the convs')
    .option('--compress-loss <weight>', 'weight of the L1/L2 compressibility loss (0 = off)', String(d.compressLoss))
    .option('--train-limit <n>', 'use only the first n training images')
    .option('--test-limit <n>', 'use only the first n test images')
    .option('--from <checkpoint>', 'skip float training: start from this checkpoint\'s float model')
    .option('--no-sd', 'stop after float training (default: SD decomposition and SD-aware fine-tuning follow)')
    .option('--sd-epochs <n>', 'SD-aware fine-tuning epochs', String(s.epochs))
    .option('--sd-lr <rate>', 'learning rate of B (and latent C with --sd-update ste)', String(s.lr))
    .option('--sd-update <mode>', `how Ce moves: ${SD_UPDATES.join(' | ')} (bucket switching or straight-through latent)`, s.update)
    .option('--sd-bar <n>', 'bucket switching: sign-counter bar', String(s.bar))
    .option('--sd-int8-acts', 'store activations saved for backward in int8 (per-tensor scale)')
    .option('--sd-compress-loss <weight>', 'L1/L2 compressibility loss on latent C (ste mode)', String(s.compressLoss))
    .option('--group-size <n>', 'output channels per structural pruning group (the engine skips a pruned row for a tile of peRows outputs when this is a multiple of peRows)', String(s.groupSize))
    .option('--shift <pixels>', 'float training: random shifts of each image by up to this many pixels (0 = off)', String(d.shift))
    .option('--sd-shift <pixels>', 'random shifts during pruned float and SD fine-tuning', String(s.shift))
    .option('--prune <fraction>', 'structural group pruning fraction of conv rows before decomposition', String(s.pruneFraction))
    .option('--prune-layer <name=fraction>', 'group pruning fraction of one conv/linear layer (overrides --prune); repeatable', collect, [])
    .option('--prune-output <name=fraction>', 'also zero each output channel\'s lowest-L1 rows until this fraction of its rows is zero (pruned float fine-tuning); repeatable', collect, [])
    .option('--prune-epochs <n>', 'pruned float fine-tuning epochs before the SD stage (pruned rows held at zero)', '0')
    .option('--block-rows <n>', 'SD block rows (192 = 64 input channels of a 3x3 conv)', String(s.blockRows))
    .option('--out <file>', 'checkpoint to write', 'build/train/model.ckpt')
    .action((o: TrainCli) => {
      runTrain(o);
    });
}

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description('accuracy of a checkpoint: float, SD (weights rebuilt from Ce x B) and integer-only (sw/quant)')
    .requiredOption('--ckpt <file>', 'checkpoint written by smartdeal train')
    .option('--data <name>', `data set: ${DATASETS.join(' | ')} (default: the one it was trained on)`)
    .option('--test-limit <n>', 'use only the first n test images')
    .option('--json <file>', 'also write the results as JSON')
    .action((o: { ckpt: string; data?: string; testLimit?: string; json?: string }) => {
      const ckpt = loadCheckpoint(o.ckpt);
      const data = o.data ?? String(ckpt.meta.data ?? 'mnist');
      const { train, test } = loadSplits(data, undefined, o.testLimit);
      evaluateModels(ckpt, train, test, o.json);
    });
}

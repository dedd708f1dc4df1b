/**
 * A whole float training run: build the network for a model spec, train for some epochs with a
 * seeded order, evaluate after every epoch, export the float model with batch norm folded.
 * Same config and seed give a bit-identical loss curve.
 */
import { Rng } from '../../common/rng.js';
import { UserError } from '../../common/user-error.js';
import type { ImageDataset } from '../data/dataset.js';
import { randomShift } from '../data/augment.js';
import type { FloatModel, ModelSpec } from '../model/spec.js';
import { buildNetwork, exportFloatModel, type Network } from '../nn/network.js';
import { compressibilityPenalty } from '../nn/compressibility.js';
import { Adam, Sgd, type Optimizer } from '../optim/optimizer.js';
import { makeSchedule } from '../optim/schedule.js';
import type { Param } from '../nn/layers.js';
import { evaluate, trainEpoch, type EpochOptions, type Metrics } from './loop.js';

export interface OptimConfig {
  optimizer: 'sgd' | 'adam';
  lr: number;
  schedule: string;
  momentum: number;
  weightDecay: number;
}

export interface FloatTrainConfig extends OptimConfig {
  epochs: number;
  batch: number;
  seed: number;
  batchNorm: boolean;
  /** Weight of the L1/L2 compressibility loss on conv/linear weights (0 = off). */
  compressLoss: number;
  /** Random shift augmentation: each training image moves by up to this many pixels per axis (0 = off). */
  shift: number;
}

export const DEFAULT_FLOAT_CONFIG: FloatTrainConfig = {
  epochs: 3, batch: 32, seed: 1, batchNorm: true, compressLoss: 0, shift: 0,
  optimizer: 'adam', lr: 0.003, schedule: 'cosine', momentum: 0.9, weightDecay: 5e-4,
};

export interface EpochRecord {
  epoch: number;
  train: Metrics;
  test: Metrics;
  seconds: number;
}

export interface TrainHooks {
  /** Per batch, with images done in this epoch. */
  onBatch?: (epoch: number, done: number, m: Metrics) => void;
  onEpoch?: (r: EpochRecord) => void;
}

export function makeOptimizer(params: Param[], c: OptimConfig): Optimizer {
  if (c.optimizer === 'sgd') return new Sgd(params, { momentum: c.momentum, weightDecay: c.weightDecay });
  if (c.optimizer === 'adam') return new Adam(params, { weightDecay: c.weightDecay });
  throw new UserError(`optimizer: expected sgd or adam, found "${String(c.optimizer)}"`);
}

/** Random shifts from their own seeded stream (so the batch order does not depend on them); undefined when off. */
export function shiftAugmenter(shift: number, seed: number): EpochOptions['augment'] {
  if (shift === 0) return undefined;
  const rng = new Rng(seed ^ 0x5eed5);
  return (b) => randomShift(b, shift, rng);
}

export function checkTrainConfig(c: FloatTrainConfig): void {
  const positiveInt = (name: string, v: number) => {
    if (!Number.isInteger(v) || v < 1) throw new UserError(`train: ${name} must be a positive integer, found ${v}`);
  };
  positiveInt('epochs', c.epochs);
  positiveInt('batch', c.batch);
  if (!(c.lr > 0)) throw new UserError(`train: learning rate must be > 0, found ${c.lr}`);
  if (!(c.weightDecay >= 0)) throw new UserError(`train: weight decay must be >= 0, found ${c.weightDecay}`);
  if (!(c.compressLoss >= 0)) throw new UserError(`train: compressibility loss weight must be >= 0, found ${c.compressLoss}`);
  if (!Number.isInteger(c.shift) || c.shift < 0 || c.shift > 8) throw new UserError(`train: shift must be an integer in 0..8 pixels, found ${c.shift}`);
  if (!Number.isInteger(c.seed)) throw new UserError(`train: seed must be an integer, found ${c.seed}`);
}

export function trainFloat(
  spec: ModelSpec, train: ImageDataset, test: ImageDataset, c: FloatTrainConfig, hooks: TrainHooks = {},
): { net: Network; model: FloatModel; history: EpochRecord[] } {
  checkTrainConfig(c);
  const rng = new Rng(c.seed);
  const net = buildNetwork(spec, rng, { batchNorm: c.batchNorm });
  const params = net.params();
  const opt = makeOptimizer(params, c);
  const schedule = makeSchedule(c.schedule, c.lr);
  const stepsPerEpoch = Math.ceil(train.count / c.batch);
  const weights = params.filter((p) => p.decay).map((p) => p.tensor);
  const history: EpochRecord[] = [];
  const augment = shiftAugmenter(c.shift, c.seed);
  for (let epoch = 0; epoch < c.epochs; epoch++) {
    const t0 = performance.now();
    const m = trainEpoch(net, train, opt, {
      batchSize: c.batch, rng, schedule, augment, firstStep: epoch * stepsPerEpoch, totalSteps: c.epochs * stepsPerEpoch,
      extraLoss: c.compressLoss > 0 ? (ce) => compressibilityPenalty(ce, weights, c.compressLoss) : undefined,
      onBatch: (done, mm) => hooks.onBatch?.(epoch, done, mm),
    });
    const r: EpochRecord = { epoch: epoch + 1, train: m, test: evaluate(net, test), seconds: (performance.now() - t0) / 1000 };
    history.push(r);
    hooks.onEpoch?.(r);
  }
  return { net, model: exportFloatModel(net), history };
}

/**
 * SD-aware fine-tuning: decompose every conv/linear layer of a float model (sw/sd), replace it by an
 * SD layer, fine-tune (B with the optimizer; Ce by bucket switching or straight-through latent
 * updates), and export the SD layers plus the float model they stand for.
 */
import { Rng } from '../../common/rng.js';
import { UserError } from '../../common/user-error.js';
import type { ImageDataset } from '../data/dataset.js';
import type { FloatModel } from '../model/spec.js';
import { type SdLayer } from '../sd/blocks.js';
import { decomposeLayer, DEFAULT_DECOMPOSE_OPTIONS } from '../sd/decompose.js';
import { ConvLayer, LinearLayer, type Layer } from '../nn/layers.js';
import { Network, networkFromFloatModel } from '../nn/network.js';
import { compressibilityPenalty } from '../nn/compressibility.js';
import { makeSchedule } from '../optim/schedule.js';
import { floatActivations, int8Activations } from '../tensor/activation-store.js';
import { noGrad } from '../tensor/tensor.js';
import { evaluate, trainEpoch } from '../train/loop.js';
import { makeOptimizer, shiftAugmenter, type EpochRecord, type OptimConfig, type TrainHooks } from '../train/run.js';
import { SdConvLayer, SdLinearLayer, SdParams } from './sd-layers.js';

export const SD_UPDATES = ['bucket', 'ste'] as const;

export interface SdTrainConfig extends OptimConfig {
  epochs: number;
  batch: number;
  seed: number;
  update: (typeof SD_UPDATES)[number];
  /** Bucket switching sign-counter bar. */
  bar: number;
  /** Bucket switching: mini-batches whose summed C gradient gives one sign count (1 = every batch). */
  bucketWindow: number;
  int8Activations: boolean;
  /** Random shift augmentation in pixels (0 = off), as in float training. */
  shift: number;
  /** Structural group pruning fraction for conv layers with more than one input channel. */
  pruneFraction: number;
  /** Per-layer pruning fractions by layer name (any conv/linear layer); override `pruneFraction`. */
  layerPrune: Record<string, number>;
  /** Row-wise zeroing at the decomposition: Ce rows with L1 norm below this (layer units) become 0. */
  rowThreshold: number;
  /** Weight of the L1/L2 compressibility loss on C (0 = off). */
  compressLoss: number;
  /** sw/sd decomposition settings (threshold and maxC also bound the quantizer during training). */
  threshold: number;
  maxC: number;
  expBits: number;
  blockRows: number;
  groupSize: number;
}

export const DEFAULT_SD_CONFIG: SdTrainConfig = {
  epochs: 2, batch: 32, seed: 1, update: 'ste', bar: 32, bucketWindow: 1, int8Activations: false, shift: 0, pruneFraction: 0, layerPrune: {}, rowThreshold: 0, compressLoss: 0,
  optimizer: 'adam', lr: 0.001, schedule: 'cosine', momentum: 0.9, weightDecay: 0,
  threshold: DEFAULT_DECOMPOSE_OPTIONS.threshold, maxC: DEFAULT_DECOMPOSE_OPTIONS.maxC, expBits: DEFAULT_DECOMPOSE_OPTIONS.expBits,
  blockRows: DEFAULT_DECOMPOSE_OPTIONS.blockRows, groupSize: DEFAULT_DECOMPOSE_OPTIONS.groupSize,
};

/** The network with every decomposable layer in SD form (post-training decomposition as the start). */
export function buildSdNetwork(model: FloatModel, c: SdTrainConfig): { net: Network; sdLayers: Map<string, SdParams> } {
  const base = networkFromFloatModel(model);
  const sdLayers = new Map<string, SdParams>();
  const trainC = c.update === 'ste';
  const layers = base.layers.map((l): Layer => {
    if (!(l instanceof ConvLayer) && !(l instanceof LinearLayer)) return l;
    const prune = c.layerPrune[l.name] ?? (l instanceof ConvLayer && l.weight.shape[1]! > 1 ? c.pruneFraction : 0);
    const init = decomposeLayer(l.name, l.weight.data, l.weight.shape, {
      threshold: c.threshold, rowThreshold: c.rowThreshold, maxC: c.maxC, expBits: c.expBits, blockRows: c.blockRows, groupSize: c.groupSize, pruneFraction: prune,
    });
    if (!init) return l; // a shape that stays dense trains as a float layer
    const sd = new SdParams(init, { threshold: c.threshold, maxC: c.maxC });
    sdLayers.set(l.name, sd);
    return l instanceof ConvLayer
      ? new SdConvLayer(l.name, sd, l.bias, l.stride, l.padding, trainC)
      : new SdLinearLayer(l.name, sd, l.bias, trainC);
  });
  return { net: new Network(model.spec, layers), sdLayers };
}

/** The float model an SD network computes (weights rebuilt from Ce x B) and its SD layers. */
export function exportSd(net: Network): { model: FloatModel; sd: Record<string, SdLayer> } {
  const params: FloatModel['params'] = {};
  const sd: Record<string, SdLayer> = {};
  noGrad(() => {
    for (const l of net.layers) {
      if (l instanceof SdConvLayer || l instanceof SdLinearLayer) {
        params[l.name] = { weight: l.sd.weight().data, bias: l.bias.data.slice() };
        sd[l.name] = l.sd.export();
      } else if (l instanceof ConvLayer || l instanceof LinearLayer) {
        params[l.name] = { weight: l.weight.data.slice(), bias: l.bias.data.slice() };
      }
    }
  });
  return { model: { spec: net.spec, params }, sd };
}

export function trainSd(
  model: FloatModel, train: ImageDataset, test: ImageDataset, c: SdTrainConfig, hooks: TrainHooks = {},
): { model: FloatModel; sd: Record<string, SdLayer>; history: EpochRecord[]; switches: number } {
  if (!(c.pruneFraction >= 0 && c.pruneFraction < 1)) throw new UserError(`SD training: prune fraction must be in [0, 1), found ${c.pruneFraction}`);
  if (!Number.isInteger(c.bucketWindow) || c.bucketWindow < 1) throw new UserError(`SD training: bucket window must be a positive integer, found ${c.bucketWindow}`);
  if (!Number.isInteger(c.shift) || c.shift < 0 || c.shift > 8) throw new UserError(`SD training: shift must be an integer in 0..8 pixels, found ${c.shift}`);
  for (const [name, f] of Object.entries(c.layerPrune)) {
    if (!(f >= 0 && f < 1)) throw new UserError(`SD training: prune fraction of layer ${name} must be in [0, 1), found ${f}`);
    if (!model.spec.layers.some((l) => 'name' in l && l.name === name)) throw new UserError(`SD training: prune fraction given for layer "${name}", the model has no such layer`);
  }
  const { net, sdLayers } = buildSdNetwork(model, c);
  const rng = new Rng(c.seed + 1);
  const opt = makeOptimizer(net.params(), c);
  const schedule = makeSchedule(c.schedule, c.lr);
  const steps = Math.ceil(train.count / c.batch);
  const ctx = { training: true, store: c.int8Activations ? int8Activations : floatActivations };
  const cTensors = [...sdLayers.values()].map((s) => s.c);
  // Epoch 0: the post-training decomposition before any fine-tuning.
  const history: EpochRecord[] = [{ epoch: 0, train: { loss: NaN, accuracy: NaN, count: 0 }, test: evaluate(net, test), seconds: 0 }];
  hooks.onEpoch?.(history[0]!);
  let switches = 0;
  const augment = shiftAugmenter(c.shift, c.seed + 1);
  for (let epoch = 0; epoch < c.epochs; epoch++) {
    const t0 = performance.now();
    const m = trainEpoch(net, train, opt, {
      batchSize: c.batch, rng, schedule, augment, firstStep: epoch * steps, totalSteps: c.epochs * steps, ctx,
      extraLoss: c.compressLoss > 0 ? (ce) => compressibilityPenalty(ce, cTensors, c.compressLoss) : undefined,
      afterStep: () => {
        for (const s of sdLayers.values()) {
          if (c.update === 'bucket') switches += s.bucketStep(c.bar, c.bucketWindow);
          s.c.zeroGrad();
        }
      },
      onBatch: (done, mm) => hooks.onBatch?.(epoch, done, mm),
    });
    const r: EpochRecord = { epoch: epoch + 1, train: m, test: evaluate(net, test), seconds: (performance.now() - t0) / 1000 };
    history.push(r);
    hooks.onEpoch?.(r);
  }
  return { ...exportSd(net), history, switches };
}

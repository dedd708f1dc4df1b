/**
 * Pruned float fine-tuning: structural group pruning (sw/sd groupPrune, the rows SD will drop) of
 * chosen layers of a float model, then a few epochs of training with those rows held at zero, so
 * the remaining weights take over before the SD decomposition. The SD stage prunes the same rows
 * again (they are exactly the zero rows, which score lowest), so its fixed mask matches.
 */
import { Rng } from '../../common/rng.js';
import { UserError } from '../../common/user-error.js';
import type { ImageDataset } from '../data/dataset.js';
import type { FloatModel } from '../model/spec.js';
import { ConvLayer, LinearLayer } from '../nn/layers.js';
import { exportFloatModel, networkFromFloatModel } from '../nn/network.js';
import { makeSchedule } from '../optim/schedule.js';
import { layoutFor, tensorIndex } from '../sd/blocks.js';
import { groupPrune } from '../sd/prune.js';
import { evaluate, trainEpoch } from '../train/loop.js';
import { makeOptimizer, shiftAugmenter, type EpochRecord, type OptimConfig, type TrainHooks } from '../train/run.js';

export interface PruneTrainConfig extends OptimConfig {
  epochs: number;
  batch: number;
  seed: number;
  shift: number;
  /** Fraction of rows pruned per output group, by layer name. */
  layerPrune: Record<string, number>;
  /**
   * Row-wise zeroing after the group pruning, by layer name: each output channel also zeroes its own
   * lowest-L1 rows until this fraction of all its rows is zero (no extra index bits: an output's
   * stored rows are already flagged one bit each).
   */
  outputPrune: Record<string, number>;
  groupSize: number;
  basis: number;
}

/**
 * 1 for every weight of a pruned row of the layer: the group-pruned rows (the rows sw/sd
 * decomposeLayer prunes at `fraction`), then per output its lowest-L1 remaining rows until
 * `outputFraction` of its rows are pruned (ties: lower row first).
 */
export function pruneMask(weight: Float32Array, shape: readonly number[], fraction: number, groupSize: number, basis: number, outputFraction = 0): Uint8Array {
  const layout = layoutFor(shape, { basis, blockRows: 1 });
  if (layout.kind === 'dense') throw new UserError(`pruning: a layer of shape [${shape.join(', ')}] has no SD row layout`);
  const { pruned } = groupPrune(weight, layout, groupSize, fraction);
  const mask = new Uint8Array(weight.length);
  pruned.forEach((rows, g) => {
    for (let o = g * groupSize; o < Math.min(layout.outChannels, (g + 1) * groupSize); o++) {
      rows.forEach((p, r) => {
        if (!p) return;
        for (let j = 0; j < layout.basis; j++) {
          const t = tensorIndex(layout, o, r, j);
          if (t >= 0) mask[t] = 1;
        }
      });
      const R = layout.rowsPerOutput;
      const l1 = (r: number) => {
        let a = 0;
        for (let j = 0; j < layout.basis; j++) {
          const t = tensorIndex(layout, o, r, j);
          if (t >= 0) a += Math.abs(weight[t]!);
        }
        return a;
      };
      const open = Array.from({ length: R }, (_, r) => r).filter((r) => !rows[r]);
      const more = Math.floor(outputFraction * R) - (R - open.length);
      open.sort((x, y) => l1(x) - l1(y) || x - y).slice(0, Math.max(0, more)).forEach((r) => {
        for (let j = 0; j < layout.basis; j++) {
          const t = tensorIndex(layout, o, r, j);
          if (t >= 0) mask[t] = 1;
        }
      });
    }
  });
  return mask;
}

/** Prunes the layers of `layerPrune` and fine-tunes with the pruned rows fixed at zero; epoch 0 is right after pruning. */
export function pruneFineTune(
  model: FloatModel, train: ImageDataset, test: ImageDataset, c: PruneTrainConfig, hooks: TrainHooks = {},
): { model: FloatModel; history: EpochRecord[] } {
  const net = networkFromFloatModel(model);
  const masks: { data: Float32Array; mask: Uint8Array }[] = [];
  for (const name of Object.keys(c.outputPrune)) {
    if (!(name in c.layerPrune)) throw new UserError(`pruning: output fraction given for layer ${name} without a group fraction (use 0)`);
  }
  for (const [name, fraction] of Object.entries(c.layerPrune)) {
    const layer = net.layers.find((l) => (l instanceof ConvLayer || l instanceof LinearLayer) && l.name === name) as ConvLayer | LinearLayer | undefined;
    if (!layer) throw new UserError(`pruning: the model has no conv/linear layer "${name}"`);
    if (!(fraction >= 0 && fraction < 1)) throw new UserError(`pruning: fraction of layer ${name} must be in [0, 1), found ${fraction}`);
    const outputFraction = c.outputPrune[name] ?? 0;
    if (!(outputFraction >= 0 && outputFraction < 1)) throw new UserError(`pruning: output fraction of layer ${name} must be in [0, 1), found ${outputFraction}`);
    masks.push({ data: layer.weight.data, mask: pruneMask(layer.weight.data, layer.weight.shape, fraction, c.groupSize, c.basis, outputFraction) });
  }
  const zeroPruned = () => {
    for (const { data, mask } of masks) for (let i = 0; i < data.length; i++) if (mask[i]) data[i] = 0;
  };
  zeroPruned();
  const rng = new Rng(c.seed + 2);
  const opt = makeOptimizer(net.params(), c);
  const schedule = makeSchedule(c.schedule, c.lr);
  const steps = Math.ceil(train.count / c.batch);
  const augment = shiftAugmenter(c.shift, c.seed + 2);
  const history: EpochRecord[] = [{ epoch: 0, train: { loss: NaN, accuracy: NaN, count: 0 }, test: evaluate(net, test), seconds: 0 }];
  hooks.onEpoch?.(history[0]!);
  for (let epoch = 0; epoch < c.epochs; epoch++) {
    const t0 = performance.now();
    const m = trainEpoch(net, train, opt, {
      batchSize: c.batch, rng, schedule, augment, firstStep: epoch * steps, totalSteps: c.epochs * steps, afterStep: zeroPruned,
      onBatch: (done, mm) => hooks.onBatch?.(epoch, done, mm),
    });
    const r: EpochRecord = { epoch: epoch + 1, train: m, test: evaluate(net, test), seconds: (performance.now() - t0) / 1000 };
    history.push(r);
    hooks.onEpoch?.(r);
  }
  return { model: exportFloatModel(net), history };
}

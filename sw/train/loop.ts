import type { Rng } from '../../common/rng.js';
import { batches, type Batch, type ImageDataset } from '../data/dataset.js';
import { EVAL_CONTEXT, type ForwardContext } from '../nn/layers.js';
import { softmaxCrossEntropy } from '../nn/loss.js';
import type { Network } from '../nn/network.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { Schedule } from '../optim/schedule.js';
import { floatActivations } from '../tensor/activation-store.js';
import { backward, noGrad, type Tensor } from '../tensor/tensor.js';

export interface Metrics {
  loss: number;
  accuracy: number;
  count: number;
}

export interface EpochOptions {
  batchSize: number;
  rng: Rng;
  schedule: Schedule;
  /** Step index of this epoch's first batch and the run's total steps (for the schedule). */
  firstStep: number;
  totalSteps: number;
  ctx?: ForwardContext;
  /** Extra loss terms (e.g. compressibility) added to the cross-entropy before backward. */
  extraLoss?: (ce: Tensor) => Tensor;
  /** Transforms each training batch before the forward pass (e.g. random shifts). */
  augment?: (batch: Batch) => Batch;
  /** Called after each optimizer step (e.g. to apply bucket switching). */
  afterStep?: () => void;
  onBatch?: (done: number, metrics: Metrics) => void;
}

/** One pass over `ds`: forward, loss, backward, optimizer step per batch. */
export function trainEpoch(net: Network, ds: ImageDataset, opt: Optimizer, o: EpochOptions): Metrics {
  const ctx = o.ctx ?? { training: true, store: floatActivations };
  let lossSum = 0, correct = 0, count = 0, step = o.firstStep;
  for (const raw of batches(ds, o.batchSize, o.rng)) {
    const batch = o.augment ? o.augment(raw) : raw;
    opt.zeroGrad();
    const logits = net.forward(batch.x, ctx);
    const ce = softmaxCrossEntropy(logits, batch.labels);
    const total = o.extraLoss ? o.extraLoss(ce.loss) : ce.loss;
    backward(total);
    opt.step(o.schedule(step++, o.totalSteps));
    o.afterStep?.();
    const n = batch.labels.length;
    lossSum += ce.loss.data[0]! * n;
    correct += ce.correct;
    count += n;
    o.onBatch?.(count, { loss: lossSum / count, accuracy: correct / count, count });
  }
  return { loss: lossSum / count, accuracy: correct / count, count };
}

/** Loss and accuracy on `ds` in eval mode (batch norm uses its running statistics). */
export function evaluate(net: Network, ds: ImageDataset, batchSize = 500): Metrics {
  return noGrad(() => {
    let lossSum = 0, correct = 0, count = 0;
    for (const batch of batches(ds, batchSize)) {
      const ce = softmaxCrossEntropy(net.forward(batch.x, EVAL_CONTEXT), batch.labels);
      lossSum += ce.loss.data[0]! * batch.labels.length;
      correct += ce.correct;
      count += batch.labels.length;
    }
    return { loss: lossSum / Math.max(1, count), accuracy: correct / Math.max(1, count), count };
  });
}

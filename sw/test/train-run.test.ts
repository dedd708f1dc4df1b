import { describe, expect, it } from 'vitest';
import { Rng } from '../../common/rng.js';
import { subset } from '../data/dataset.js';
import { loadMnist } from '../data/mnist.js';
import { buildNetwork, networkFromFloatModel } from '../nn/network.js';
import { EVAL_CONTEXT } from '../nn/layers.js';
import { presetSpec } from '../nn/presets.js';
import { Adam, Sgd } from '../optim/optimizer.js';
import { cosineLr, stepLr } from '../optim/schedule.js';
import { floatActivations, int8Activations } from '../tensor/activation-store.js';
import { noGrad, Tensor } from '../tensor/tensor.js';
import { trainEpoch } from '../train/loop.js';
import { DEFAULT_FLOAT_CONFIG, trainFloat } from '../train/run.js';
import { trainSd, DEFAULT_SD_CONFIG } from '../sdtrain/finetune.js';

const trainAll = loadMnist('train');
const testAll = loadMnist('test');

describe('seeded training on MNIST', () => {
  it('2,000 images, 1 epoch of mnist-small reach >= 87% on 1,000 held-out test images', () => {
    const seed = 1;
    const run = trainFloat(presetSpec('mnist-small'), subset(trainAll, 0, 2000), subset(testAll, 0, 1000),
      { ...DEFAULT_FLOAT_CONFIG, optimizer: 'sgd', epochs: 1, batch: 16, lr: 0.03, seed });
    const acc = run.history[0]!.test.accuracy;
    console.log(`compared held-out accuracy ${(100 * acc).toFixed(1)}% of a seeded run (seed ${seed}) with the 87% bar`);
    expect(acc).toBeGreaterThanOrEqual(0.87);
    // Folding batch norm changes nothing the network computes in eval mode.
    const x = new Tensor(Float32Array.from(subset(testAll, 0, 8).pixels, (p) => p / 255), [8, 1, 28, 28]);
    const a = noGrad(() => run.net.forward(x, EVAL_CONTEXT)).data;
    const b = noGrad(() => networkFromFloatModel(run.model).forward(x, EVAL_CONTEXT)).data;
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-4 * (1 + Math.abs(a[i]!)));
    console.log(`compared ${a.length} logits of the batch-norm network and its folded float model`);
  });

  it('the same seed gives a bit-identical loss curve, another seed a different one', () => {
    const ds = subset(trainAll, 5000, 320);
    const curve = (seed: number): number[] => {
      const rng = new Rng(seed);
      const net = buildNetwork(presetSpec('mnist-tiny'), rng, { batchNorm: true });
      const losses: number[] = [];
      trainEpoch(net, ds, new Sgd(net.params(), { momentum: 0.9, weightDecay: 1e-4 }), {
        batchSize: 32, rng, schedule: cosineLr(0.05), firstStep: 0, totalSteps: 10,
        onBatch: (_, m) => losses.push(m.loss),
      });
      return losses;
    };
    const a = curve(9), b = curve(9), c = curve(10);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    console.log(`compared ${a.length}-point loss curves of two runs with seed 9 (identical) and one with seed 10`);
  });

  it('SD fine-tuning (bucket switching, int8 activations, pruning) keeps accuracy of a trained model', () => {
    const train = subset(trainAll, 0, 2000), test = subset(testAll, 0, 1000);
    const float = trainFloat(presetSpec('mnist-small'), train, test, { ...DEFAULT_FLOAT_CONFIG, optimizer: 'sgd', epochs: 1, batch: 16, lr: 0.03, seed: 2 });
    const floatAcc = float.history[0]!.test.accuracy;
    const sd = trainSd(float.model, subset(trainAll, 2000, 2000), test, { ...DEFAULT_SD_CONFIG, epochs: 1, batch: 32, update: 'bucket', bar: 32, optimizer: 'sgd', lr: 0.01, int8Activations: true, pruneFraction: 0.25, seed: 2 });
    const sdAcc = sd.history.at(-1)!.test.accuracy;
    console.log(`compared SD fine-tuned accuracy ${(100 * sdAcc).toFixed(1)}% (post-training ${(100 * sd.history[0]!.test.accuracy).toFixed(1)}%, ${sd.switches} bucket switches) with float ${(100 * floatAcc).toFixed(1)}% (seed 2)`);
    expect(sd.switches).toBeGreaterThan(0);
    expect(sdAcc).toBeGreaterThanOrEqual(sd.history[0]!.test.accuracy);
    expect(sdAcc).toBeGreaterThanOrEqual(floatAcc - 0.02);
  });
});

describe('optimizers and schedules, hand-computed', () => {
  it('SGD with momentum and weight decay, Adam with bias correction', () => {
    const w = new Tensor(new Float32Array([1, -2]), [2], true);
    const sgd = new Sgd([{ name: 'w', tensor: w, decay: true }], { momentum: 0.5, weightDecay: 0.1 });
    w.grad = new Float32Array([0.5, 1]);
    sgd.step(0.1); // v = g + 0.1 w = [0.6, 0.8]; w = [0.94, -2.08]
    expect(w.data[0]).toBeCloseTo(0.94, 6);
    expect(w.data[1]).toBeCloseTo(-2.08, 6);
    sgd.step(0.1); // v = 0.5 v + g + 0.1 w = [0.3 + 0.5 + 0.094, 0.4 + 1 - 0.208] = [0.894, 1.192]
    expect(w.data[0]).toBeCloseTo(0.94 - 0.0894, 6);
    expect(w.data[1]).toBeCloseTo(-2.08 - 0.1192, 6);
    const u = new Tensor(new Float32Array([1]), [1], true);
    const adam = new Adam([{ name: 'u', tensor: u, decay: false }]);
    u.grad = new Float32Array([4]);
    adam.step(0.01); // first step of Adam moves by lr * sign(g) (bias-corrected m/sqrt(v) = 1)
    expect(u.data[0]).toBeCloseTo(0.99, 6);
    console.log('compared 5 hand-computed optimizer updates');
  });

  it('step and cosine schedules', () => {
    const s = stepLr(1, 1 / 4, 0.1);
    expect([0, 24, 25, 50, 99].map((i) => s(i, 100))).toEqual([1, 1, 0.1, 0.1 ** 2, 0.1 ** 3]);
    const c = cosineLr(1, 0);
    expect(c(0, 100)).toBe(1);
    expect(c(50, 100)).toBeCloseTo(0.5, 12);
    expect(c(100, 100)).toBeCloseTo(0, 12);
    console.log('compared 8 hand-computed learning rates');
  });
});

describe('activation store', () => {
  it('training with int8 saved activations stays close to float32 ones', () => {
    const ds = subset(trainAll, 7000, 64);
    const grads = (store: typeof floatActivations | undefined) => {
      const rng = new Rng(4);
      const net = buildNetwork(presetSpec('mnist-tiny'), rng, { batchNorm: false });
      const opt = new Sgd(net.params());
      trainEpoch(net, ds, opt, { batchSize: 64, rng, schedule: () => 0, firstStep: 0, totalSteps: 1, ctx: store ? { training: true, store } : undefined });
      return net.params().map((p) => p.tensor.grad!);
    };
    const f = grads(undefined);
    const q = grads(int8Activations);
    let num = 0, den = 0;
    f.forEach((g, i) => g.forEach((v, k) => { num += (v - q[i]![k]!) ** 2; den += v * v; }));
    console.log(`compared weight gradients with int8 vs float32 saved activations: relative error ${Math.sqrt(num / den).toFixed(4)} (seed 4)`);
    expect(Math.sqrt(num / den)).toBeLessThan(0.05);
    expect(Math.sqrt(num / den)).toBeGreaterThan(0);
  });
});

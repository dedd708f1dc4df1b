import { describe, expect, it } from 'vitest';
import { Rng } from '../../common/rng.js';
import { gradCheck } from '../tensor/gradcheck.js';
import { Tensor } from '../tensor/tensor.js';
import { conv2d } from '../nn/conv.js';
import { linear } from '../nn/linear.js';
import { addScaled, flatten, relu } from '../nn/pointwise.js';
import { maxPool2 } from '../nn/pool.js';
import { batchNorm } from '../nn/batchnorm.js';
import { softmaxCrossEntropy } from '../nn/loss.js';
import { l1OverL2 } from '../nn/compressibility.js';

function randomTensor(rng: Rng, shape: number[], scale = 1): Tensor {
  const t = Tensor.zeros(shape, true);
  for (let i = 0; i < t.size; i++) t.data[i] = (rng.next() * 2 - 1) * scale;
  return t;
}

/** Runs a gradient check, logs what was compared and fails with the worst element and the seed. */
function check(label: string, seed: number, run: (rng: Rng) => ReturnType<typeof gradCheck>): void {
  const r = run(new Rng(seed));
  console.log(`compared ${r.compared} partial derivatives of ${label} with finite differences (seed ${seed}), worst ratio ${r.worst.toFixed(3)}`);
  expect(r.worst, `${label} seed ${seed}: ${r.worstAt}`).toBeLessThanOrEqual(1);
}

describe('finite-difference gradient checks', () => {
  const convCases = [
    { k: 3, stride: 1, padding: 1 },
    { k: 3, stride: 2, padding: 1 },
    { k: 3, stride: 1, padding: 0 },
    { k: 1, stride: 1, padding: 0 },
    { k: 1, stride: 2, padding: 1 },
  ] as const;
  for (const { k, stride, padding } of convCases) {
    it(`conv2d ${k}x${k} stride ${stride} padding ${padding}`, () => {
      const seed = 100 + k * 10 + stride + padding;
      check(`conv ${k}x${k}/s${stride}/p${padding}`, seed, (rng) => {
        const x = randomTensor(rng, [2, 3, 6, 5]);
        const w = randomTensor(rng, [4, 3, k, k]);
        const b = randomTensor(rng, [4]);
        return gradCheck(() => conv2d(x, w, b, { stride, padding }), { x, w, b }, rng);
      });
    });
  }

  it('linear', () => {
    check('linear', 7, (rng) => {
      const x = randomTensor(rng, [5, 7]);
      const w = randomTensor(rng, [3, 7]);
      const b = randomTensor(rng, [3]);
      return gradCheck(() => linear(x, w, b), { x, w, b }, rng);
    });
  });

  it('relu (inputs kept away from the kink)', () => {
    check('relu', 8, (rng) => {
      const x = randomTensor(rng, [4, 9]);
      for (let i = 0; i < x.size; i++) x.data[i] += x.data[i]! > 0 ? 0.1 : -0.1;
      return gradCheck(() => relu(x), { x }, rng);
    });
  });

  it('maxpool 2x2 (distinct values so the winner is stable)', () => {
    check('maxpool', 9, (rng) => {
      const x = Tensor.zeros([2, 2, 4, 6], true);
      const order = rng.shuffle([...Array(x.size).keys()]);
      order.forEach((v, i) => { x.data[i] = v * 0.1; });
      return gradCheck(() => maxPool2(x), { x }, rng);
    });
  });

  it('batch norm, training and eval mode', () => {
    for (const training of [true, false]) {
      check(`batchnorm ${training ? 'train' : 'eval'}`, 10, (rng) => {
        const x = randomTensor(rng, [4, 3, 3, 2]);
        const gamma = randomTensor(rng, [3]);
        const beta = randomTensor(rng, [3]);
        const state = { runningMean: new Float32Array([0.1, -0.2, 0.3]), runningVar: new Float32Array([0.5, 1.2, 0.8]), momentum: 0, eps: 1e-5 };
        return gradCheck(() => batchNorm(x, gamma, beta, state, training), { x, gamma, beta }, rng, { eps: 1e-3, rtol: 2e-2, atol: 2e-3 });
      });
    }
  });

  it('flatten and addScaled', () => {
    check('flatten+addScaled', 11, (rng) => {
      const x = randomTensor(rng, [2, 3, 2, 2]);
      const y = randomTensor(rng, [2, 12]);
      return gradCheck(() => addScaled(flatten(x), y, -0.7), { x, y }, rng);
    });
  });

  it('softmax cross-entropy', () => {
    check('softmax CE', 12, (rng) => {
      const logits = randomTensor(rng, [6, 5], 3);
      const labels = [0, 4, 2, 2, 1, 3];
      return gradCheck(() => softmaxCrossEntropy(logits, labels).loss, { logits }, rng, { eps: 1e-3 });
    });
  });

  it('compressibility loss L1/L2 (entries kept away from 0)', () => {
    check('L1/L2', 14, (rng) => {
      const w = randomTensor(rng, [3, 7]);
      for (let i = 0; i < w.size; i++) w.data[i] += w.data[i]! > 0 ? 0.1 : -0.1;
      return gradCheck(() => l1OverL2(w), { w }, rng, { eps: 1e-3 });
    });
  });

  it('a small CNN end to end (conv, bn, relu, pool, flatten, linear, CE)', () => {
    check('small CNN', 13, (rng) => {
      const x = randomTensor(rng, [3, 1, 6, 6]);
      const w1 = randomTensor(rng, [2, 1, 3, 3]);
      const gamma = randomTensor(rng, [2]);
      const beta = randomTensor(rng, [2]);
      const w2 = randomTensor(rng, [3, 18]);
      const state = { runningMean: new Float32Array(2), runningVar: new Float32Array(2), momentum: 0, eps: 1e-5 };
      const net = () => {
        const h = maxPool2(relu(batchNorm(conv2d(x, w1, null, { stride: 1, padding: 1 }), gamma, beta, state, true)));
        return softmaxCrossEntropy(linear(flatten(h), w2, null), [1, 0, 2]).loss;
      };
      return gradCheck(net, { w1, gamma, beta, w2 }, rng, { eps: 1e-3, rtol: 3e-2, atol: 3e-3 });
    });
  });
});

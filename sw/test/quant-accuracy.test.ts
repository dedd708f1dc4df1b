import { describe, expect, it } from 'vitest';
import { Rng } from '../../common/rng.js';
import { loadMnist } from '../data/mnist.js';
import type { FloatModel, ModelSpec } from '../model/spec.js';
import { decomposeLayer } from '../sd/decompose.js';
import { floatAccuracy, intAccuracy } from '../quant/accuracy.js';
import { effectiveFloatModel, quantizeModel } from '../quant/quantize.js';

const HIDDEN = 32;

/** A 784-32-10 MLP trained by plain minibatch SGD (hand-written backprop), independent of the training core. */
function trainMlp(pixels: Uint8Array, labels: Uint8Array, count: number, seed: number): FloatModel {
  const rng = new Rng(seed);
  const w1 = Float32Array.from({ length: HIDDEN * 784 }, () => rng.normal() * Math.sqrt(2 / 784));
  const b1 = new Float32Array(HIDDEN);
  const w2 = Float32Array.from({ length: 10 * HIDDEN }, () => rng.normal() * Math.sqrt(2 / HIDDEN));
  const b2 = new Float32Array(10);
  const batch = 16;
  const lr = 0.2;
  const x = new Float32Array(784);
  const h = new Float32Array(HIDDEN);
  const p = new Float32Array(10);
  const gh = new Float32Array(HIDDEN);
  const gw1 = new Float32Array(w1.length);
  const gb1 = new Float32Array(HIDDEN);
  const gw2 = new Float32Array(w2.length);
  const gb2 = new Float32Array(10);
  for (let epoch = 0; epoch < 4; epoch++) {
    const order = rng.shuffle([...Array(count).keys()]);
    for (let s = 0; s < count; s += batch) {
      gw1.fill(0); gb1.fill(0); gw2.fill(0); gb2.fill(0);
      const idx = order.slice(s, s + batch);
      for (const n of idx) {
        for (let i = 0; i < 784; i++) x[i] = pixels[n * 784 + i]! / 255;
        for (let j = 0; j < HIDDEN; j++) {
          let a = b1[j]!;
          for (let i = 0; i < 784; i++) a += w1[j * 784 + i]! * x[i]!;
          h[j] = a > 0 ? a : 0;
        }
        let max = -Infinity;
        for (let k = 0; k < 10; k++) {
          let a = b2[k]!;
          for (let j = 0; j < HIDDEN; j++) a += w2[k * HIDDEN + j]! * h[j]!;
          p[k] = a;
          max = Math.max(max, a);
        }
        let z = 0;
        for (let k = 0; k < 10; k++) z += (p[k] = Math.exp(p[k]! - max));
        gh.fill(0);
        for (let k = 0; k < 10; k++) {
          const g = p[k]! / z - (k === labels[n] ? 1 : 0); // d(cross-entropy)/d(logit)
          gb2[k]! += g;
          for (let j = 0; j < HIDDEN; j++) {
            gw2[k * HIDDEN + j]! += g * h[j]!;
            gh[j]! += g * w2[k * HIDDEN + j]!;
          }
        }
        for (let j = 0; j < HIDDEN; j++) {
          if (h[j]! <= 0) continue;
          gb1[j]! += gh[j]!;
          for (let i = 0; i < 784; i++) gw1[j * 784 + i]! += gh[j]! * x[i]!;
        }
      }
      const f = lr / idx.length;
      for (let i = 0; i < w1.length; i++) w1[i]! -= f * gw1[i]!;
      for (let i = 0; i < HIDDEN; i++) b1[i]! -= f * gb1[i]!;
      for (let i = 0; i < w2.length; i++) w2[i]! -= f * gw2[i]!;
      for (let i = 0; i < 10; i++) b2[i]! -= f * gb2[i]!;
    }
  }
  const spec: ModelSpec = {
    inputShape: [1, 28, 28],
    classes: 10,
    layers: [
      { kind: 'flatten' },
      { kind: 'linear', name: 'fc1', inFeatures: 784, outFeatures: HIDDEN },
      { kind: 'relu' },
      { kind: 'linear', name: 'fc2', inFeatures: HIDDEN, outFeatures: 10 },
    ],
  };
  return { spec, params: { fc1: { weight: w1, bias: b1 }, fc2: { weight: w2, bias: b2 } } };
}

describe('integer accuracy on a small trained model', () => {
  const train = loadMnist('train');
  const test = loadMnist('test');
  const model = trainMlp(train.pixels, train.labels, 12000, 17);
  // calibration: 300 training images not used for the evaluation
  const calibration = Array.from({ length: 300 }, (_, i) => train.pixels.subarray((50000 + i) * 784, (50001 + i) * 784));
  const evalCount = 2000;

  it('integer inference is within 0.5 points of float (dense int8)', () => {
    const fl = floatAccuracy(model, test, evalCount);
    const im = quantizeModel(model, { calibration });
    const it8 = intAccuracy(im, test, evalCount);
    console.log(`MLP 784-32-10 (seed 17) on ${evalCount} MNIST test images: float ${(100 * fl.accuracy).toFixed(2)}%, int8 ${(100 * it8.accuracy).toFixed(2)}%, max |acc| ${JSON.stringify(it8.maxAbsAcc)}`);
    expect(fl.accuracy).toBeGreaterThan(0.85);
    expect(Math.abs(it8.accuracy - fl.accuracy)).toBeLessThanOrEqual(0.005);
  });

  it('integer inference of the SmartDeal model is within 0.5 points of its float reconstruction', () => {
    const sd = [
      decomposeLayer('fc1', model.params.fc1!.weight, [HIDDEN, 784])!,
      decomposeLayer('fc2', model.params.fc2!.weight, [10, HIDDEN])!,
    ];
    const eff = effectiveFloatModel(model, sd);
    const fl = floatAccuracy(eff, test, evalCount);
    const im = quantizeModel(model, { calibration, sd });
    const it8 = intAccuracy(im, test, evalCount);
    const dense = floatAccuracy(model, test, evalCount);
    console.log(`SD MLP on ${evalCount} images: float ${(100 * dense.accuracy).toFixed(2)}%, SD float ${(100 * fl.accuracy).toFixed(2)}%, SD int8 ${(100 * it8.accuracy).toFixed(2)}%`);
    expect(Math.abs(it8.accuracy - fl.accuracy)).toBeLessThanOrEqual(0.005);
    expect(dense.accuracy - fl.accuracy).toBeLessThan(0.02);
  });
});

import { describe, expect, it } from 'vitest';
import { Rng } from '../../common/rng.js';
import type { FloatModel, ModelSpec } from '../model/spec.js';
import { decomposeLayer } from '../sd/decompose.js';
import { codeShift } from '../sd/pow2.js';
import { tensorIndex } from '../sd/blocks.js';
import { effectiveFloatModel, quantizeModel } from '../quant/quantize.js';
import { runInt, newRunStats } from '../quant/int-infer.js';
import type { IntConvLayer, IntMacFields, IntModel } from '../quant/int-model.js';
import { rebuildSdWeights } from '../quant/sd-weights.js';

/** A random float model on an 8x8 grey image exercising every layer kind and both conv kernels. */
function randomModel(rng: Rng): FloatModel {
  const spec: ModelSpec = {
    inputShape: [1, 8, 8],
    classes: 5,
    layers: [
      { kind: 'conv', name: 'c1', inChannels: 1, outChannels: 4, kernel: 3, stride: 1, padding: 1 },
      { kind: 'relu' },
      { kind: 'maxpool2' },
      { kind: 'conv', name: 'c2', inChannels: 4, outChannels: 6, kernel: 1, stride: 1, padding: 0 },
      { kind: 'maxpool2' },
      { kind: 'relu' }, // not right after a MAC layer: a standalone integer ReLU
      { kind: 'conv', name: 'c3', inChannels: 6, outChannels: 5, kernel: 3, stride: 2, padding: 1 },
      { kind: 'relu' },
      { kind: 'flatten' },
      { kind: 'linear', name: 'fc1', inFeatures: 5, outFeatures: 7 },
      { kind: 'relu' },
      { kind: 'linear', name: 'fc2', inFeatures: 7, outFeatures: 5 },
    ],
  };
  const params: FloatModel['params'] = {};
  for (const l of spec.layers) {
    if (l.kind !== 'conv' && l.kind !== 'linear') continue;
    const n = l.kind === 'conv' ? l.outChannels * l.inChannels * l.kernel * l.kernel : l.outFeatures * l.inFeatures;
    const outs = l.kind === 'conv' ? l.outChannels : l.outFeatures;
    const fanIn = n / outs;
    params[l.name] = {
      weight: Float32Array.from({ length: n }, () => rng.normal() * Math.sqrt(2 / fanIn)),
      bias: Float32Array.from({ length: outs }, () => rng.normal() * 0.1),
    };
  }
  return { spec, params };
}

function randomImages(rng: Rng, count: number, size: number): Uint8Array[] {
  return Array.from({ length: count }, () => Uint8Array.from({ length: size }, () => rng.int(0, 255)));
}

/**
 * Second implementation of the integer contract, in BigInt and written differently: the bias is
 * recomputed from the float bias, padding and the zero point enter as (a - z) over valid taps only,
 * requantization is BigInt add-and-arithmetic-shift, ReLU comes from the spec.
 */
function referenceLogits(im: IntModel, float: FloatModel, image: Uint8Array): bigint[] {
  let [C, H, W] = im.spec.inputShape;
  let x: bigint[] = Array.from(image, (p) => BigInt(p) - 128n);
  const spec = im.spec.layers;
  let out: bigint[] = [];
  im.layers.forEach((l) => {
    if (l.kind === 'conv' || l.kind === 'linear') {
      // one view of both kinds: a linear layer is a 1x1 conv on a 1x1 image here
      const L: IntMacFields & { kernel: number; stride: number; padding: number; inFeatures: number } =
        l.kind === 'conv' ? { ...l, inFeatures: 0 } : { ...l, kernel: 1, stride: 1, padding: 0 };
      const z = BigInt(L.inZero);
      const K = L.kernel;
      const O = l.kind === 'conv' ? l.outChannels : l.outFeatures;
      const [Ho, Wo] = l.kind === 'conv' ? [Math.floor((H + 2 * L.padding - K) / L.stride) + 1, Math.floor((W + 2 * L.padding - K) / L.stride) + 1] : [1, 1];
      const acc: bigint[] = [];
      for (let o = 0; o < O; o++) {
        const b0 = BigInt(Math.round(float.params[l.name]!.bias[o]! / (L.inScale * L.weightScale[o]!)));
        for (let oy = 0; oy < Ho; oy++) {
          for (let ox = 0; ox < Wo; ox++) {
            let s = b0;
            if (l.kind === 'linear') {
              for (let k = 0; k < L.inFeatures; k++) s += (x[k]! - z) * BigInt(L.weights[o * L.inFeatures + k]!);
            } else {
              for (let c = 0; c < C; c++) {
                for (let kh = 0; kh < K; kh++) {
                  for (let kw = 0; kw < K; kw++) {
                    const iy = oy * L.stride + kh - L.padding;
                    const ix = ox * L.stride + kw - L.padding;
                    if (iy < 0 || ix < 0 || iy >= H || ix >= W) continue; // (z - z) * w = 0
                    s += (x[(c * H + iy) * W + ix]! - z) * BigInt(L.weights[((o * C + c) * K + kh) * K + kw]!);
                  }
                }
              }
            }
            acc.push(s);
          }
        }
      }
      if (L.final) {
        out = acc;
        return;
      }
      const at = spec.findIndex((x) => 'name' in x && x.name === l.name);
      const relu = spec[at + 1]?.kind === 'relu';
      const per = Ho * Wo;
      x = acc.map((a, k) => {
        const o = Math.floor(k / per);
        const sh = BigInt(L.shift[o]!);
        const prod = a * BigInt(L.multiplier[o]!);
        let y = (sh === 0n ? prod : (prod + (1n << (sh - 1n))) >> sh) + BigInt(L.outZero);
        const lo = relu ? BigInt(L.outZero) : -128n;
        if (y < lo) y = lo;
        if (y > 127n) y = 127n;
        return y;
      });
      [C, H, W] = [O, Ho, Wo];
    } else if (l.kind === 'maxpool2') {
      const y: bigint[] = [];
      for (let c = 0; c < C; c++) {
        for (let oy = 0; oy < H >> 1; oy++) {
          for (let ox = 0; ox < W >> 1; ox++) {
            let m = -1000n;
            for (const [dy, dx] of [[0, 0], [0, 1], [1, 0], [1, 1]]) {
              const v = x[(c * H + 2 * oy + dy!) * W + 2 * ox + dx!]!;
              if (v > m) m = v;
            }
            y.push(m);
          }
        }
      }
      x = y;
      [H, W] = [H >> 1, W >> 1];
    } else if (l.kind === 'relu') {
      x = x.map((v) => (v < BigInt(l.zeroPoint) ? BigInt(l.zeroPoint) : v));
    } else {
      [C, H, W] = [C * H * W, 1, 1];
    }
  });
  return out;
}

describe('integer-only inference', () => {
  it('equals a BigInt second implementation on random models, dense and SmartDeal', () => {
    let images = 0;
    for (const seed of [1, 2, 3]) {
      const rng = new Rng(seed);
      const model = randomModel(rng);
      const calib = randomImages(rng, 40, 64);
      const sd = seed === 1 ? [] : ['c1', 'c2', 'c3', 'fc1'].map((name) => {
        const l = model.spec.layers.find((x) => 'name' in x && x.name === name)!;
        const shape = l.kind === 'conv' ? [l.outChannels, l.inChannels, l.kernel, l.kernel] : l.kind === 'linear' ? [l.outFeatures, l.inFeatures] : [];
        return decomposeLayer(name, model.params[name]!.weight, shape, { blockRows: 6, groupSize: 2, pruneFraction: seed === 3 ? 0.3 : 0 })!;
      });
      for (const granularity of ['channel', 'layer'] as const) {
        const im = quantizeModel(model, { calibration: calib, sd, weightGranularity: granularity });
        const eff = effectiveFloatModel(model, sd);
        const stats = newRunStats();
        for (const img of randomImages(rng, 30, 64)) {
          const got = runInt(im, img, stats);
          const want = referenceLogits(im, eff, img);
          expect(Array.from(got.logits, BigInt), `seed ${seed} ${granularity}`).toEqual(want);
          let best = 0;
          want.forEach((v, k) => { if (v > want[best]!) best = k; });
          expect(got.label).toBe(best);
          images++;
        }
        for (const l of im.layers) {
          if (l.kind !== 'conv' && l.kind !== 'linear') continue;
          expect(stats.maxAbsAcc.get(l.name)!).toBeLessThanOrEqual(l.accBound);
        }
      }
    }
    console.log(`compared logits of ${images} images on 6 random models against the BigInt reference (seeds 1-3)`);
  });

  it('rebuilds SD weights from codes and int8 B like an independent shift-and-add, close to the float weights', () => {
    const rng = new Rng(9);
    const model = randomModel(rng);
    const w = model.params.c3!.weight;
    const sdl = decomposeLayer('c3', w, [5, 6, 3, 3], { blockRows: 9, pruneFraction: 0.25, groupSize: 2 })!;
    const im = quantizeModel(model, { calibration: randomImages(rng, 10, 64), sd: [sdl] });
    const c3 = im.layers.find((l) => l.kind === 'conv' && l.name === 'c3') as IntConvLayer;
    const sd = c3.sd!;
    expect(c3.weights).toEqual(rebuildSdWeights(sd));
    expect(sd.bSaturations).toBe(0);
    const rebuiltFloat = effectiveFloatModel(model, [sdl]).params.c3!.weight;
    let n = 0;
    let sumErr = 0;
    sd.blocks.forEach((ob, o) => {
      let r0 = 0;
      for (const blk of ob) {
        for (let r = 0; r < blk.rows; r++) {
          for (let j = 0; j < 3; j++) {
            // independent: exact sum of sign * Bq * 2^(f-1), then Math.floor(t / 2^R + 1/2)
            let t = 0;
            let bRounding = 0; // each Bq is within 1/2 of its exact value, scaled by its code's 2^(f-1)
            for (let k = 0; k < 3; k++) {
              const { sign, shift } = codeShift(blk.codes[r * 3 + k]!, sd.expBits);
              t += sign * blk.bq[k * 3 + j]! * Math.pow(2, shift);
              bRounding += Math.abs(sign) * 0.5 * 2 ** (shift - blk.shift);
            }
            const w8 = Math.max(-128, Math.min(127, Math.floor(t / 2 ** blk.shift + 0.5)));
            const at = tensorIndex(sd.layout, o, r0 + r, j);
            expect(c3.weights[at]).toBe(w8);
            // the final rounding loses at most 1/2, the B rounding at most bRounding
            const err = Math.abs(w8 - rebuiltFloat[at]! / c3.weightScale[o]!);
            expect(err).toBeLessThanOrEqual(0.5 + bRounding + 1e-6);
            sumErr += err;
            n++;
          }
        }
        r0 += blk.rows;
      }
    });
    console.log(`compared ${n} rebuilt weights (seed 9); mean |w8 - w/s_w| = ${(sumErr / n).toFixed(3)} int8 steps`);
  });

  it('refuses models whose classifier is not last, and SD layers of the wrong shape', () => {
    const rng = new Rng(4);
    const model = randomModel(rng);
    const bad: FloatModel = { ...model, spec: { ...model.spec, layers: [...model.spec.layers, { kind: 'relu' }] } };
    expect(() => quantizeModel(bad, { calibration: randomImages(rng, 2, 64) })).toThrow(/classifier .* must be the last layer/);
    const wrong = decomposeLayer('fc1', new Float32Array(7 * 6).fill(0.1), [7, 6])!;
    expect(() => quantizeModel(model, { calibration: randomImages(rng, 2, 64), sd: [wrong] })).toThrow(/"fc1" has shape \(7, 6\), the model expects \(7, 5\)/);
  });
});

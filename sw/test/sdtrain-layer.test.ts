import { describe, expect, it } from 'vitest';
import { Rng } from '../../common/rng.js';
import { decomposeLayer } from '../sd/decompose.js';
import { reconstructLayer } from '../sd/blocks.js';
import { isPow2OrZero } from '../sd/pow2.js';
import { gradCheck } from '../tensor/gradcheck.js';
import { backward, Tensor } from '../tensor/tensor.js';
import { conv2d } from '../nn/conv.js';
import { SdParams } from '../sdtrain/sd-layers.js';
import { sdWeight } from '../sdtrain/sd-weight.js';
import { dequantizeInt8, quantizeInt8 } from '../tensor/activation-store.js';

function randomWeights(rng: Rng, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => rng.normal() * 0.3);
}

/** An SD layer initialised from the sw/sd decomposition of random weights. */
function sdParamsFor(rng: Rng, shape: number[], blockRows = 4): SdParams {
  const w = randomWeights(rng, shape.reduce((a, b) => a * b, 1));
  const init = decomposeLayer('t', w, shape, { blockRows, iterations: 10 })!;
  return new SdParams(init, { threshold: 2 ** -6, maxC: 32 });
}

describe('SD weight op W = (pow2(C) * mask) x B', () => {
  [[3, 2, 3, 3], [4, 7], [2, 5, 1, 1]].forEach((shape, caseIndex) => {
    it(`gradients w.r.t. B (finite differences) and latent C (straight-through) for shape [${shape.join(', ')}]`, () => {
      const seed = 40 + caseIndex;
      const rng = new Rng(seed);
      const sd = sdParamsFor(rng, shape);
      const { c, b, mask, geometry } = sd;
      // B enters linearly and the quantizer does not depend on it: plain finite differences.
      const rb = gradCheck(() => sdWeight(c, b, mask, geometry), { b }, rng, { eps: 1e-2 });
      // Straight-through: C's gradient must be that of the same map without the quantizer.
      const ste = gradCheck(() => sdWeight(c, b, mask, geometry, false), { c }, rng, { eps: 1e-2 });
      const proj = Float32Array.from({ length: shape.reduce((a, d) => a * d, 1) }, () => rng.next() - 0.5);
      c.zeroGrad();
      backward(sdWeight(c, b, mask, geometry), proj);
      const quantizedGrad = c.grad!.slice();
      c.zeroGrad();
      backward(sdWeight(c, b, mask, geometry, false), proj);
      expect([...quantizedGrad]).toEqual([...c.grad!]);
      for (let i = 0; i < c.size; i++) if (!mask[i]) expect(quantizedGrad[i]).toBe(0);
      console.log(`compared ${rb.compared} dW/dB and ${ste.compared} STE dW/dC partials with finite differences, and ${c.size} C gradients quantized vs identity (seed ${seed})`);
      expect(rb.worst, rb.worstAt).toBeLessThanOrEqual(1);
      expect(ste.worst, ste.worstAt).toBeLessThanOrEqual(1);
    });
  });

  it('an SD conv end to end: gradient of B through the convolution', () => {
    const seed = 51;
    const rng = new Rng(seed);
    const sd = sdParamsFor(rng, [2, 3, 3, 3], 3);
    const x = new Tensor(randomWeights(rng, 2 * 3 * 5 * 5), [2, 3, 5, 5]);
    const r = gradCheck(() => conv2d(x, sd.weight(), null, { stride: 1, padding: 1 }), { b: sd.b }, rng, { eps: 1e-2 });
    console.log(`compared ${r.compared} dLoss/dB partials through an SD conv with finite differences (seed ${seed})`);
    expect(r.worst, r.worstAt).toBeLessThanOrEqual(1);
  });

  it('the exported sw/sd layer rebuilds exactly the weight the layer trains with, codes stay powers of two in their window', () => {
    const seed = 52;
    const rng = new Rng(seed);
    const sd = sdParamsFor(rng, [4, 3, 3, 3], 5);
    // Push the latent C around (as straight-through updates would), then export.
    for (let i = 0; i < sd.c.size; i++) sd.c.data[i] += rng.normal() * 0.5;
    const exported = sd.export();
    const rebuilt = reconstructLayer(exported);
    const w = sd.weight().data;
    let maxErr = 0;
    for (let i = 0; i < w.length; i++) maxErr = Math.max(maxErr, Math.abs(rebuilt[i]! - w[i]!));
    expect(maxErr).toBeLessThan(1e-5);
    let k = 0;
    for (const ob of exported.blocks) {
      for (const blk of ob) {
        for (const v of blk.ce) expect(isPow2OrZero(v, blk.expBase, blk.expBase + 6)).toBe(true);
        k++;
      }
    }
    // Entries masked out at the first quantization stay zero.
    const flat = exported.blocks.flat().flatMap((b) => [...b.ce]);
    expect(flat.length).toBe(sd.mask.length);
    flat.forEach((v, i) => { if (!sd.mask[i]) expect(v).toBe(0); });
    console.log(`compared ${w.length} rebuilt weights (max err ${maxErr.toExponential(1)}) and the codes of ${k} blocks (seed ${seed})`);
  });

  it('bucket switching moves C only by powers of two inside the mask', () => {
    const seed = 53;
    const rng = new Rng(seed);
    const sd = sdParamsFor(rng, [3, 4, 3, 3], 6);
    const before = sd.c.data.slice();
    sd.c.grad = Float32Array.from({ length: sd.c.size }, () => rng.normal());
    const switched = sd.bucketStep(1);
    let moved = 0;
    for (let i = 0; i < before.length; i++) {
      if (!sd.mask[i]) { expect(sd.c.data[i]).toBe(0); continue; }
      const a = before[i]!, b = sd.c.data[i]!;
      if (a !== b) moved++;
      if (a !== 0 && b !== 0) expect([2, 0.5, 1]).toContain(Math.abs(b / a));
    }
    expect(moved).toBeGreaterThan(0);
    expect(moved).toBeLessThanOrEqual(switched);
    console.log(`compared ${before.length} coefficients before/after one bucket step (${moved} moved, seed ${seed})`);
  });
});

describe('int8 stored activations', () => {
  it('round trip error is at most half a step of the per-tensor scale', () => {
    const rng = new Rng(60);
    const x = Float32Array.from({ length: 1000 }, () => rng.normal() * 3);
    const { codes, scale } = quantizeInt8(x);
    const y = dequantizeInt8(codes, scale);
    let maxAbs = 0;
    for (const v of x) maxAbs = Math.max(maxAbs, Math.abs(v));
    expect(scale).toBeCloseTo(maxAbs / 127, 6);
    for (let i = 0; i < x.length; i++) expect(Math.abs(y[i]! - x[i]!)).toBeLessThanOrEqual(scale / 2 + 1e-6);
    console.log('compared 1000 int8 round-tripped activations with the half-step bound (seed 60)');
  });
});

import { describe, expect, it } from 'vitest';
import { Rng } from '../../common/rng.js';
import { cutBlocks, layoutFor, reconstructLayer, tensorIndex, tensorSize } from '../sd/blocks.js';
import { DEFAULT_DECOMPOSE_OPTIONS, decomposeBlock, decomposeLayer, quantizeCeBlock } from '../sd/decompose.js';
import { fitBasis, fitCoefficients, residual2 } from '../sd/lstsq.js';
import { exponentCount, floorLog2, isPow2OrZero } from '../sd/pow2.js';
import { groupPrune } from '../sd/prune.js';
import { layerQuality, storageBits } from '../sd/storage.js';

function randomTensor(rng: Rng, shape: number[], scale = 0.1): Float32Array {
  const w = new Float32Array(tensorSize(shape));
  for (let i = 0; i < w.length; i++) w[i] = rng.normal() * scale;
  return w;
}

describe('least-squares solves', () => {
  it('recover B exactly from a square invertible Ce, and Ce from an invertible B', () => {
    const ce = [2, 0, 1, 0, 1, 0, 1, 0, 4];
    const bTrue = [1, -2, 0.5, 3, 0.25, -1, 0, 1, 2];
    const a = new Float64Array(9);
    for (let r = 0; r < 3; r++) for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) a[r * 3 + j] += ce[r * 3 + k]! * bTrue[k * 3 + j]!;
    const b = fitBasis(ce, a, 3, 3, 0);
    const c = fitCoefficients(a, bTrue, 3, 3, 0);
    for (let i = 0; i < 9; i++) {
      expect(b[i]).toBeCloseTo(bTrue[i]!, 10);
      expect(c[i]).toBeCloseTo(ce[i]!, 10);
    }
  });

  it('the fitted B is a stationary point (finite-difference gradient ~ 0) on tall random systems', () => {
    const rng = new Rng(5);
    let n = 0;
    for (let t = 0; t < 20; t++) {
      const rows = 4 + rng.int(0, 30);
      const ce = Float64Array.from({ length: rows * 3 }, () => rng.normal());
      const a = Float64Array.from({ length: rows * 3 }, () => rng.normal());
      const b = fitBasis(ce, a, rows, 3, 0);
      const f0 = residual2(a, ce, b, rows, 3);
      for (let i = 0; i < 9; i++) {
        for (const h of [1e-4, -1e-4]) {
          const bp = Float64Array.from(b);
          bp[i]! += h;
          // at the minimum any step raises the error, by about h^2 * curvature
          expect(residual2(a, ce, bp, rows, 3), `seed 5 t=${t}`).toBeGreaterThanOrEqual(f0 - 1e-9);
          n++;
        }
      }
    }
    console.log(`checked ${n} perturbations of least-squares B (seed 5)`);
  });
});

describe('SmartDeal decomposition', () => {
  const opts = { ...DEFAULT_DECOMPOSE_OPTIONS, threshold: 2 ** -5, blockRows: 12 };

  it('every Ce entry is 0 or a signed power of two inside the block exponent window and <= maxC', () => {
    const rng = new Rng(21);
    let entries = 0;
    for (const [shape, expBits, maxC] of [[[16, 8, 3, 3], 3, 32], [[10, 50], 2, 4], [[12, 20, 1, 1], 3, 1]] as const) {
      const w = randomTensor(rng, [...shape]);
      const layer = decomposeLayer('t', w, shape, { ...opts, expBits, maxC })!;
      for (const ob of layer.blocks) {
        for (const blk of ob) {
          for (let i = 0; i < blk.ce.length; i++) {
            const v = blk.ce[i]!;
            entries++;
            expect(isPow2OrZero(v, blk.expBase, blk.expBase + exponentCount(expBits) - 1), `seed 21 ${shape} value ${v} base ${blk.expBase}`).toBe(true);
            expect(Math.abs(v)).toBeLessThanOrEqual(maxC);
            if (v !== 0) expect(Math.abs(v)).toBeGreaterThanOrEqual(2 ** floorLog2(opts.threshold));
            expect(blk.rowMask[Math.floor(i / 3)]! === 1 || v === 0).toBe(true);
          }
        }
      }
    }
    console.log(`checked ${entries} Ce entries (seed 21)`);
  });

  it('the alternating fit beats plain power-of-two rounding of the same block (Frobenius)', () => {
    const rng = new Rng(33);
    let wins = 0;
    let total = 0;
    let sumFit = 0;
    let sumPlain = 0;
    for (let t = 0; t < 200; t++) {
      const rows = 3 + rng.int(0, 60);
      const a = Float64Array.from({ length: rows * 3 }, () => rng.normal() * 0.5);
      const plain = quantizeCeBlock(a, rows, 3, opts).q;
      const identity = [1, 0, 0, 0, 1, 0, 0, 0, 1];
      const plainErr = residual2(a, plain, identity, rows, 3);
      const fit = decomposeBlock(a, rows, 3, opts);
      expect(fit.err2, `seed 33 t=${t}`).toBeLessThanOrEqual(plainErr + 1e-12);
      expect(fit.err2).toBeCloseTo(residual2(a, fit.ce, fit.b, rows, 3), 10);
      if (fit.err2 < plainErr * 0.99) wins++;
      sumFit += fit.err2;
      sumPlain += plainErr;
      total++;
    }
    console.log(`compared ${total} blocks (seed 33): fit beats plain rounding by >1% on ${wins}; error^2 sum ${sumFit.toFixed(3)} vs ${sumPlain.toFixed(3)}`);
    expect(wins).toBeGreaterThan(total * 0.9);
  });

  it('the row-wise variant zeroes rows of small L1 norm that entry thresholding keeps', () => {
    const rng = new Rng(66);
    const rows = 40;
    // even rows O(1), odd rows ~0.012 per entry: above 2^-7, the bottom of a 7-exponent window under 1
    const a = Float64Array.from({ length: rows * 3 }, (_, i) => (Math.floor(i / 3) % 2 === 0 ? 0.5 + rng.next() : 0.011 + 0.002 * rng.next()) * (rng.next() < 0.5 ? -1 : 1));
    const base = { ...opts, threshold: 0 };
    const plain = decomposeBlock(a, rows, 3, base);
    const rowWise = decomposeBlock(a, rows, 3, { ...base, rowThreshold: 0.1 });
    const nonZeroRows = (ce: Float64Array, parity: number) => {
      let n = 0;
      for (let r = parity; r < rows; r += 2) if (ce[3 * r] !== 0 || ce[3 * r + 1] !== 0 || ce[3 * r + 2] !== 0) n++;
      return n;
    };
    expect(nonZeroRows(plain.ce, 1)).toBeGreaterThan(0);
    expect(nonZeroRows(rowWise.ce, 1)).toBe(0);
    expect(nonZeroRows(rowWise.ce, 0)).toBe(rows / 2);
    console.log(`small rows kept: ${nonZeroRows(plain.ce, 1)}/20 without, 0/20 with the row threshold (seed 66)`);
  });

  it('pruned rows are zero for the whole group and are the lowest-scoring rows', () => {
    const rng = new Rng(44);
    const shape = [10, 6, 3, 3];
    const w = randomTensor(rng, shape);
    const G = 4;
    const fraction = 0.5;
    const layer = decomposeLayer('c', w, shape, { ...opts, groupSize: G, pruneFraction: fraction })!;
    const layout = layoutFor(shape, opts);
    expect(layer.groupPruned.length).toBe(3);
    for (let g = 0; g < 3; g++) {
      const mask = layer.groupPruned[g]!;
      expect(mask.reduce((a, v) => a + v, 0)).toBe(Math.floor(fraction * 18));
      // independent scoring straight from the 4-D tensor: row (c, kh) sums |w[o][c][kh][kw]| over the group
      const score = (c: number, kh: number): number => {
        let s = 0;
        for (let o = g * G; o < Math.min(10, (g + 1) * G); o++) for (let kw = 0; kw < 3; kw++) s += Math.abs(w[((o * 6 + c) * 3 + kh) * 3 + kw]!);
        return s;
      };
      let maxPruned = -Infinity;
      let minKept = Infinity;
      for (let c = 0; c < 6; c++) {
        for (let kh = 0; kh < 3; kh++) {
          const s = score(c, kh);
          if (mask[c * 3 + kh]) maxPruned = Math.max(maxPruned, s);
          else minKept = Math.min(minKept, s);
        }
      }
      expect(maxPruned).toBeLessThanOrEqual(minKept);
      for (let o = g * G; o < Math.min(10, (g + 1) * G); o++) {
        let r0 = 0;
        for (const blk of layer.blocks[o]!) {
          for (let r = 0; r < blk.rows; r++) {
            if (!mask[r0 + r]) continue;
            expect(blk.rowMask[r]).toBe(0);
            for (let j = 0; j < 3; j++) expect(blk.ce[r * 3 + j]).toBe(0);
          }
          r0 += blk.rows;
        }
      }
    }
    // the pruned weight itself
    const { weight } = groupPrune(w, layout, G, fraction);
    const rebuilt = reconstructLayer(layer);
    for (let o = 0; o < 10; o++) {
      for (let r = 0; r < 18; r++) {
        if (!layer.groupPruned[Math.floor(o / G)]![r]) continue;
        for (let j = 0; j < 3; j++) {
          expect(weight[tensorIndex(layout, o, r, j)]).toBe(0);
          expect(rebuilt[tensorIndex(layout, o, r, j)]).toBe(0);
        }
      }
    }
  });

  it('reconstructs a random layer closely and the quality figures agree with a direct computation', () => {
    const rng = new Rng(55);
    const shape = [8, 16, 3, 3];
    const w = randomTensor(rng, shape);
    const layer = decomposeLayer('c', w, shape, { ...opts, threshold: 2 ** -8 })!;
    const q = layerQuality(layer, w);
    const rebuilt = reconstructLayer(layer);
    let num = 0;
    let den = 0;
    for (let i = 0; i < w.length; i++) { num += (w[i]! - rebuilt[i]!) ** 2; den += w[i]! ** 2; }
    expect(q.relError).toBeCloseTo(Math.sqrt(num / den), 6);
    console.log(`random conv [${shape}] relative error ${q.relError.toFixed(4)}, Ce density ${q.ceDensity.toFixed(3)}`);
    expect(q.relError).toBeLessThan(0.2);
    expect(q.maxBlockSpan).toBeLessThanOrEqual(7);
    // the blocks of the cut and the decomposition agree in count
    expect(layer.blocks[0]!.length).toBe(cutBlocks(w, layer.layout)[0]!.length);
  });

  it('counts storage bits as documented (hand-checked small layer)', () => {
    // linear [2][6], S=3: 2 rows per output, one block each; prune nothing
    const w = new Float32Array([1, 0.5, -0.25, 0, 0, 0, 1, 1, 1, 0.5, 0.5, 0.5]);
    const layer = decomposeLayer('l', w, [2, 6], { ...opts, blockRows: 192, threshold: 2 ** -4 })!;
    expect(Array.from(layer.blocks[0]![0]!.rowMask)).toEqual([1, 0]);
    expect(Array.from(layer.blocks[1]![0]!.rowMask)).toEqual([1, 1]);
    const s = storageBits(layer);
    // Ce: 3 stored rows * 3 codes * 4 bits; index: 1 group * 2 rows + 2 outputs * 2 rows; B: 2 blocks * 9 * 8; shifts 2 * 8
    expect(s).toMatchObject({ ceBits: 36, indexBits: 6, basisBits: 144, scaleBits: 16, totalBits: 202, denseInt8Bits: 96 });
    const q = layerQuality(layer, w);
    expect(q.zeroRowFraction).toBe(0.25);
    expect(q.relError).toBeLessThan(1e-6); // rows of powers of two times I are exact
  });
});

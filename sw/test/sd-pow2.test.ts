import { describe, expect, it } from 'vitest';
import {
  codeShift, decodePow2, encodePow2, exponentCount, floorLog2, isPow2OrZero, nearestPow2Exponent, quantizePow2, sparsifyPow2,
} from '../sd/pow2.js';
import { Rng } from '../../common/rng.js';

describe('power-of-two quantizer', () => {
  it('rounds to the nearest power of two in linear distance, ties to the smaller power', () => {
    // [input, expected] checked by hand: |3-2| = |3-4| = 1 is a tie -> 2; 0.7 is 0.2 from 0.5 and 0.3 from 1.
    const cases: [number, number][] = [
      [3, 2], [3.0001, 4], [0.7, 0.5], [0.75, 0.5], [0.76, 1], [1, 1], [1.5, 1], [1.6, 2], [5, 4], [6, 4], [6.5, 8],
      [-3, -2], [-0.7, -0.5], [-7, -8], [0.3, 0.25], [0.374, 0.25], [0.376, 0.5], [1024, 1024], [1e-3, 2 ** -10],
    ];
    for (const [x, want] of cases) expect(quantizePow2(x, { threshold: 0 }), `x=${x}`).toBe(want);
    console.log(`compared ${cases.length} hand-checked nearest-power-of-two cases`);
  });

  it('note: linear nearest differs from log-domain rounding', () => {
    // log2(2.9) = 1.536 rounds to 2 (=4) in log distance, but 2.9 is nearer to 2 than to 4.
    expect(quantizePow2(2.9, { threshold: 0 })).toBe(2);
    expect(2 ** Math.round(Math.log2(2.9))).toBe(4);
  });

  it('applies threshold, maxC and the exponent range', () => {
    expect(quantizePow2(0.09, { threshold: 0.1 })).toBe(0);
    expect(quantizePow2(0.1, { threshold: 0.1 })).toBe(0.125);
    expect(quantizePow2(100, { threshold: 0, maxC: 32 })).toBe(32);
    expect(quantizePow2(-100, { threshold: 0, maxC: 40 })).toBe(-32); // maxC not a power: largest power below it
    expect(quantizePow2(100, { threshold: 0, maxC: 32, maxExp: 3 })).toBe(8);
    // below 2^minExp: nearer of 0 and 2^minExp, tie to 0
    expect(quantizePow2(0.3, { threshold: 0, minExp: -1 })).toBe(0.5);
    expect(quantizePow2(0.25, { threshold: 0, minExp: -1 })).toBe(0);
    expect(quantizePow2(-0.26, { threshold: 0, minExp: -1 })).toBe(-0.5);
  });

  it('agrees with a brute-force nearest search on random values', () => {
    const rng = new Rng(7);
    let n = 0;
    for (let i = 0; i < 5000; i++) {
      const x = (rng.next() - 0.5) * 2 ** rng.int(-12, 12);
      const m = Math.abs(x);
      // brute force over candidate exponents, strict improvement keeps the smaller power on ties
      let best = 0;
      let bestD = Infinity;
      for (let k = -40; k <= 40; k++) {
        const d = Math.abs(m - 2 ** k);
        if (d < bestD) { bestD = d; best = 2 ** k; }
      }
      const got = quantizePow2(x, { threshold: 0 });
      expect(got, `seed 7 i=${i} x=${x}`).toBe(Math.sign(x) * best);
      n++;
    }
    console.log(`compared ${n} random values against brute-force nearest power (seed 7)`);
  });

  it('floorLog2 is exact at and around powers of two', () => {
    for (let k = -60; k <= 60; k++) {
      expect(floorLog2(2 ** k)).toBe(k);
      expect(floorLog2(2 ** k * (1 - 2 ** -52))).toBe(k - 1);
      expect(nearestPow2Exponent(2 ** k * 1.5)).toBe(k);
    }
  });

  it('sparsifyPow2 maps every entry and isPow2OrZero accepts exactly its outputs', () => {
    const x = new Float32Array([0, 0.01, -0.3, 2.5, -40, 7]);
    const y = sparsifyPow2(x, { threshold: 0.05, maxC: 32 });
    expect(Array.from(y)).toEqual([0, 0, -0.25, 2, -32, 8]);
    for (const v of y) expect(isPow2OrZero(v)).toBe(true);
    expect(isPow2OrZero(3)).toBe(false);
    expect(isPow2OrZero(0.5, 0, 4)).toBe(false);
    expect(isPow2OrZero(-16, 0, 4)).toBe(true);
  });

  it('codes round-trip every representable value and reject the rest', () => {
    const expBits = 3;
    const base = -4;
    let n = 0;
    for (let f = 1; f <= exponentCount(expBits); f++) {
      for (const s of [1, -1]) {
        const v = s * 2 ** (base + f - 1);
        const code = encodePow2(v, base, expBits);
        expect(code).toBeLessThan(16);
        expect(decodePow2(code, base, expBits)).toBe(v);
        expect(codeShift(code, expBits)).toEqual({ sign: s, shift: f - 1 });
        n++;
      }
    }
    expect(encodePow2(0, base, expBits)).toBe(0);
    expect(() => encodePow2(2 ** (base - 1), base, expBits)).toThrow();
    expect(() => encodePow2(2 ** (base + 7), base, expBits)).toThrow();
    expect(() => encodePow2(3, base, expBits)).toThrow();
    console.log(`round-tripped ${n} codes of ${expBits} exponent bits`);
  });
});

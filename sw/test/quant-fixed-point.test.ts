import { describe, expect, it } from 'vitest';
import { Rng } from '../../common/rng.js';
import { affineParams, quantizeMultiplier, requantize, roundShift } from '../quant/fixed-point.js';

/** Reference: BigInt (x + 2^(s-1)) >> s, BigInt's >> being an arithmetic (floor) shift. */
function roundShiftBig(x: number, s: number): number {
  if (s === 0) return x;
  return Number((BigInt(x) + (1n << BigInt(s - 1))) >> BigInt(s));
}

describe('fixed-point primitives', () => {
  it('roundShift rounds half toward +infinity (hand-checked)', () => {
    const cases: [number, number, number][] = [
      [5, 1, 3], // 2.5 -> 3
      [-5, 1, -2], // -2.5 -> -2
      [7, 2, 2], // 1.75 -> 2
      [-7, 2, -2], // -1.75 -> -2
      [6, 2, 2], // 1.5 -> 2
      [-6, 2, -1], // -1.5 -> -1
      [1, 2, 0], // 0.25 -> 0
      [-2, 2, 0], // -0.5 -> 0
      [-3, 2, -1], // -0.75 -> -1
      [123, 0, 123],
      [2 ** 46 + 2 ** 45, 46, 2], // 1.5 -> 2, far beyond 32 bits
      [-(2 ** 50) - 1, 51, -1], // -0.5000000000000004 -> -1
    ];
    for (const [x, s, want] of cases) expect(roundShift(x, s), `roundShift(${x}, ${s})`).toBe(want);
    console.log(`compared ${cases.length} hand-checked rounding shifts`);
  });

  it('roundShift equals the BigInt add-and-shift on random 48-bit products', () => {
    const rng = new Rng(101);
    let n = 0;
    for (let i = 0; i < 20000; i++) {
      const acc = rng.int(-(2 ** 31), 2 ** 31 - 1);
      const m = rng.int(0, 2 ** 16 - 1);
      const s = rng.int(0, 63);
      expect(roundShift(acc * m, s), `seed 101 i=${i}`).toBe(roundShiftBig(acc * m, s));
      n++;
    }
    console.log(`compared ${n} random products against BigInt (seed 101)`);
  });

  it('requantize matches hand-computed vectors, including the ReLU clamp', () => {
    // M = 40000, shift 20: acc 1000 -> 40,000,000 / 2^20 = 38.15 -> 38; + zOut -100 -> -62
    expect(requantize(1000, { multiplier: 40000, shift: 20 }, -100, -128)).toBe(-62);
    // acc -1000 -> -38.15 -> -38; -100 - 38 = -138 -> clamps to -128
    expect(requantize(-1000, { multiplier: 40000, shift: 20 }, -100, -128)).toBe(-128);
    // ReLU folded: lower bound zOut = -100
    expect(requantize(-1000, { multiplier: 40000, shift: 20 }, -100, -100)).toBe(-100);
    // saturation at 127: 100000 * 40000 / 2^20 = 3814.7
    expect(requantize(100000, { multiplier: 40000, shift: 20 }, 0, -128)).toBe(127);
    // tie: acc * M = 3 * 2^19 -> 1.5 -> 2; negative tie -1.5 -> -1
    expect(requantize(3, { multiplier: 2 ** 19, shift: 20 }, 0, -128)).toBe(2);
    expect(requantize(-3, { multiplier: 2 ** 19, shift: 20 }, 0, -128)).toBe(-1);
  });

  it('quantizeMultiplier uses the full width and is accurate to half an ulp', () => {
    const rng = new Rng(202);
    let n = 0;
    for (let i = 0; i < 5000; i++) {
      const m = Math.exp(rng.next() * 20 - 15); // 3e-7 .. 150
      for (const bits of [8, 16, 22]) {
        if (m >= 2 ** (bits - 1)) continue;
        const q = quantizeMultiplier(m, bits);
        expect(q.multiplier).toBeGreaterThanOrEqual(2 ** (bits - 1));
        expect(q.multiplier).toBeLessThan(2 ** bits);
        expect(Math.abs(q.multiplier * 2 ** -q.shift - m), `seed 202 m=${m} bits=${bits}`).toBeLessThanOrEqual(2 ** -(q.shift + 1) * (1 + 1e-12));
        n++;
      }
    }
    // hand case: 0.75 with 16 bits -> M = 0.75 * 2^16 = 49152, shift 16
    expect(quantizeMultiplier(0.75, 16)).toEqual({ multiplier: 49152, shift: 16 });
    // rounding up to 2^bits renormalises: 0.99999999 * 2^16 rounds to 65536 -> M = 32768, shift 15
    expect(quantizeMultiplier(0.99999999, 16)).toEqual({ multiplier: 32768, shift: 15 });
    expect(quantizeMultiplier(0, 16)).toEqual({ multiplier: 0, shift: 0 });
    console.log(`checked ${n} multipliers (seed 202)`);
  });

  it('affineParams represents 0 exactly and covers the range', () => {
    // [0, 2.55]: scale 0.01, zero point -128
    expect(affineParams(0, 2.55)).toEqual({ scale: 2.55 / 255, zeroPoint: -128 });
    // [-1, 1]: scale 2/255, zero point round(-128 + 127.5) = round(-0.5) = -0 -> 0
    const p = affineParams(-1, 1);
    expect(p.scale).toBeCloseTo(2 / 255, 15);
    expect(Object.is(p.zeroPoint, 0)).toBe(true);
    // range not containing 0 is widened to contain it
    expect(affineParams(1, 2.55).zeroPoint).toBe(-128);
    expect(affineParams(-2.55, -1)).toEqual({ scale: 2.55 / 255, zeroPoint: 127 });
  });
});

/**
 * The arithmetic helpers of generator/engine/const-mul.ts on Verilator against bigint: every
 * mulByConstant factor of a list (0, 1, powers of two, odd and dense bit patterns) on random and
 * edge inputs, and shiftRightSat (the requantizer's and the rebuild lanes' saturated right shift)
 * on random and edge values for every shift amount, including amounts past the value's width.
 */
import { describe, expect } from 'vitest';
import { Rng } from '../../common/rng.js';
import { SInt, UInt, defineModule } from '../dsl/index.js';
import { fromEmitted, type Simulation } from '../../verif/index.js';
import { simTest } from '../../verif/vitest.js';
import { emitBlock } from '../engine/check.js';
import { lintGateTest } from './helpers/lint-gate.js';
import { mulByConstant, shiftRightSat } from '../engine/const-mul.js';

const X_BITS = 13;
const FACTORS = [0, 1, 2, 3, 5, 7, 8, 10, 255, 1000, 4095, 12345];
const V_BITS = 50;
const S_BITS = 6;
const SAT_BITS = [2, 9, 10];

const Bench = defineModule('const_mul_bench', (m) => {
  m.clockAndReset();
  const x = m.input('x', UInt(X_BITS));
  FACTORS.forEach((k) => {
    const y = mulByConstant(x, k);
    m.output(`mul${k}`, UInt(y.width)).set(y);
  });
  const v = m.input('v', SInt(V_BITS));
  const s = m.input('s', UInt(S_BITS));
  SAT_BITS.forEach((n) => m.output(`sat${n}`, SInt(n)).set(shiftRightSat(v, s, n)));
});
const block = emitBlock(Bench());

/** sat_n(v >> s) in bigint: the reference. */
function shiftSatRef(v: bigint, s: number, n: number): bigint {
  const shifted = v >> BigInt(s); // bigint >> is arithmetic (floor)
  const max = (1n << BigInt(n - 1)) - 1n;
  const min = -(1n << BigInt(n - 1));
  return shifted > max ? max : shifted < min ? min : shifted;
}

function randomSigned(rng: Rng, bits: number): bigint {
  // Spread magnitudes: a random width, then random bits below it, then a random sign.
  const w = rng.int(0, bits - 1);
  let mag = 0n;
  for (let i = 0; i < w; i++) mag = (mag << 1n) | BigInt(rng.int(0, 1));
  return rng.int(0, 1) === 1 ? -mag - 1n : mag;
}

describe('arithmetic helpers (const-mul.ts)', () => {
  lintGateTest([block]);

  simTest('mulByConstant equals x * k and shiftRightSat equals sat(v >> s)', fromEmitted(block.emitted), (sim: Simulation) => {
    const seed = 4242;
    const rng = new Rng(seed);
    const xs = [0, 1, 2 ** X_BITS - 1, 2 ** (X_BITS - 1), ...Array.from({ length: 300 }, () => rng.int(0, 2 ** X_BITS - 1))];
    let products = 0;
    for (const x of xs) {
      sim.set('x', x);
      sim.step();
      for (const k of FACTORS) {
        expect(BigInt(sim.get(`mul${k}`)), `x = ${x}, k = ${k}, seed ${seed}`).toBe(BigInt(x) * BigInt(k));
        products++;
      }
    }
    const top = 1n << BigInt(V_BITS - 1);
    const vs = [0n, 1n, -1n, top - 1n, -top, 511n, 512n, -512n, -513n, ...Array.from({ length: 400 }, () => randomSigned(rng, V_BITS))];
    let shifts = 0;
    let unsaturated = 0;
    for (const v of vs) {
      for (let s = 0; s < 2 ** S_BITS; s++) {
        sim.drive({ v, s });
        sim.step();
        for (const n of SAT_BITS) {
          const want = shiftSatRef(v, s, n);
          expect(BigInt(sim.get(`sat${n}`)), `v = ${v}, s = ${s}, n = ${n}, seed ${seed}`).toBe(want);
          if (want !== (v >> BigInt(s)) || n !== 10) continue;
          unsaturated++;
        }
        shifts++;
      }
    }
    expect(unsaturated).toBeGreaterThan(shifts / 10); // the unsaturated window is exercised, not just the clamps
    console.log(`compared ${products} constant products and ${shifts * SAT_BITS.length} saturated shifts (${unsaturated} unsaturated at 10 bits) against bigint, seed ${seed}`);
  });
});

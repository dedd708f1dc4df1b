/**
 * Requantization unit against sw/quant/fixed-point.ts `requantize`: random accumulators over the
 * whole int32 range, and edge vectors (INT32_MIN / INT32_MAX, M = 0 / 2^15 / 2^16 - 1, shift 0,
 * 1, 31, 47, 48, 63), with and without the folded ReLU.
 */
import { describe, expect } from 'vitest';
import { Rng } from '../../common/rng.js';
import { fromEmitted, type Simulation } from '../../verif/index.js';
import { simTest } from '../../verif/vitest.js';
import { INT32_MAX, INT32_MIN, requantize } from '../../sw/quant/fixed-point.js';
import { emitBlock } from '../engine/check.js';
import { lintGateTest } from './helpers/lint-gate.js';
import { REQUANT_LATENCY, Requant } from '../engine/requant.js';

// One multiplier over two beats per value, and two multipliers at one value per cycle.
const blocks = ([2, 1] as const).map((beats) => ({ beats, block: emitBlock(Requant({ accBits: 32, multiplierBits: 16, shiftBits: 6, beats })) }));

interface Vector { acc: number; mult: number; shift: number; zOut: number; lo: number }

function edgeVectors(): Vector[] {
  const out: Vector[] = [];
  for (const acc of [INT32_MIN, INT32_MAX, 0, 1, -1, 2 ** 30, -(2 ** 30) - 1]) {
    for (const mult of [0, 1, 2 ** 15, 2 ** 16 - 1]) {
      for (const shift of [0, 1, 31, 47, 48, 63]) {
        for (const [zOut, lo] of [[-128, -128], [0, -128], [127, -128], [-128, -128], [5, 5], [-3, -3]] as const) out.push({ acc, mult, shift, zOut, lo });
      }
    }
  }
  // Ties of the rounding shift: acc * M = (2k + 1) * 2^(s-1), both signs.
  for (let s = 1; s <= 20; s++) for (const k of [-3, -1, 0, 2]) out.push({ acc: (2 * k + 1) * 2 ** (s - 1), mult: 1, shift: s, zOut: 0, lo: -128 });
  // The edge of the 10-bit window after the shift: acc * M = +-2^(s+8) + d * 2^k (the first values
  // whose shifted form needs more bits clamp by their sign alone).
  for (let s = 0; s <= 36; s++) {
    const k = Math.max(0, s + 8 - 29);
    for (const d of [-1, 0, 1]) {
      for (const sign of [1, -1]) {
        for (const [zOut, lo] of [[-128, -128], [127, 127], [0, -128]] as const) out.push({ acc: sign * 2 ** (s + 8 - k) + d, mult: 2 ** k, shift: s, zOut, lo });
      }
    }
  }
  // One stray bit above the window: acc * M = 2^j (clamps to 127) or -(2^j + 2^k) (bit j alone is
  // not a sign copy: clamps to lo), for every bit j from shift + 8 up.
  for (const s of [0, 1, 3, 7, 8, 9, 15, 16, 17, 23, 24, 31, 32, 33, 37]) {
    for (let j = s + 8; j <= 45; j++) {
      const k = Math.max(0, j - 30);
      out.push({ acc: 2 ** (j - k), mult: 2 ** k, shift: s, zOut: -128, lo: -128 }, { acc: -(2 ** (j - k)) - 1, mult: 2 ** k, shift: s, zOut: 127, lo: 0 });
    }
  }
  return out;
}

function randomVector(rng: Rng): Vector {
  const zOut = rng.int(-128, 127);
  const relu = rng.int(0, 1) === 1;
  const accBits = rng.int(1, 32); // spread magnitudes: uniform int32 would almost always clamp
  const acc = Math.max(INT32_MIN, Math.min(INT32_MAX, rng.int(-(2 ** (accBits - 1)), 2 ** (accBits - 1) - 1)));
  return { acc, mult: rng.int(2 ** 15, 2 ** 16 - 1), shift: rng.int(0, 63), zOut, lo: relu ? zOut : -128 };
}

describe('requantization unit', () => {
  lintGateTest(blocks.map((b) => b.block));

  for (const { beats, block } of blocks) simTest(`equals requantize on edge and random vectors, one per ${beats} cycle(s)`, fromEmitted(block.emitted), (sim: Simulation) => {
    const seed = 777;
    const rng = new Rng(seed);
    const vectors = [...edgeVectors(), ...Array.from({ length: 4000 }, () => randomVector(rng))];
    const pending: { y: number; v: Vector; i: number }[] = [];
    let compared = 0;
    let inRange = 0;
    sim.set('rst', 1);
    sim.step();
    sim.set('rst', 0);
    const cycle = (): void => {
      sim.step();
      if (sim.get('out_valid') === 1) {
        const item = pending.shift()!;
        sim.expect('y', item.y, `vector ${item.i} ${JSON.stringify(item.v)}, seed ${seed}`);
        compared++;
      }
    };
    // z_out and lo are a layer's constants: vectors run in layers of equal (z_out, lo), and the
    // pipeline drains before they change.
    const layers = new Map<string, number[]>();
    vectors.forEach((v, i) => {
      const key = `${v.zOut},${v.lo}`;
      layers.set(key, [...(layers.get(key) ?? []), i]);
    });
    const order = [...layers.values()].flatMap((idx) => idx.map((i, j) => ({ i, first: j === 0 })));
    order.forEach(({ i, first }) => {
      const v = vectors[i]!;
      if (first) {
        sim.set('in_valid', 0);
        for (let k = 0; k < REQUANT_LATENCY; k++) cycle();
      }
      const y = requantize(v.acc, { multiplier: v.mult, shift: v.shift }, v.zOut, v.lo);
      if (y > v.lo && y < 127) inRange++;
      sim.drive({ acc: v.acc, mult: v.mult, shift: v.shift, z_out: v.zOut, lo: v.lo });
      if (beats === 2) {
        // Low half first, then the high half with in_valid.
        sim.drive({ in_lo: 1, in_valid: 0 });
        cycle();
        sim.set('in_lo', 0);
      }
      sim.set('in_valid', 1);
      pending.push({ y, v, i });
      cycle();
      if (i % 7 === 0) { sim.set('in_valid', 0); cycle(); } // bubbles
    });
    sim.set('in_valid', 0);
    for (let i = 0; i < REQUANT_LATENCY; i++) cycle();
    expect(pending.length).toBe(0);
    expect(inRange).toBeGreaterThan(vectors.length / 10); // not all clamped: the rounding is exercised
    console.log(`compared ${compared} requantized values against requantize (${inRange} unclamped, ${layers.size} (z_out, lo) layers; seed ${seed}, latency ${REQUANT_LATENCY}, ${beats} beat(s))`);
  });
});

/**
 * Max-pool unit against sw/quant/float-infer.ts `maxPool2` (the golden int8 pooling, one 2x2
 * window at a time) and the argmax unit against hand-checked tie vectors and an independent
 * reference loop (strictly-greater replaces: ties go to the lowest index, as runInt labels).
 */
import { describe, expect } from 'vitest';
import { Rng } from '../../common/rng.js';
import { fromEmitted, type Simulation } from '../../verif/index.js';
import { simTest } from '../../verif/vitest.js';
import { maxPool2 } from '../../sw/quant/float-infer.js';
import { emitBlock } from '../engine/check.js';
import { lintGateTest } from './helpers/lint-gate.js';
import { Argmax, MaxPool2 } from '../engine/pool.js';

const pool = emitBlock(MaxPool2());
const argmax = emitBlock(Argmax({ valueBits: 32, indexBits: 8 }));

/** Feeds one run of logits and returns the unit's (index, best). */
function runArgmax(sim: Simulation, values: number[]): { index: number; best: number } {
  values.forEach((v, i) => {
    sim.drive({ start: i === 0 ? 1 : 0, in_valid: 1, value: v });
    sim.step();
  });
  sim.drive({ start: 0, in_valid: 0 });
  sim.expect('count', values.length);
  return { index: sim.get('index') as number, best: sim.get('best') as number };
}

describe('pooling units', () => {
  lintGateTest([pool, argmax]);

  simTest('max-pool equals maxPool2 on every window, streamed with random idle cycles', fromEmitted(pool.emitted), (sim: Simulation) => {
    const seed = 31337;
    const rng = new Rng(seed);
    const windows: number[][] = [[-128, -128, -128, -128], [127, 127, 127, 127], [-128, 127, -1, 0], [5, 5, -7, 5], [0, -1, -2, 3]];
    for (let i = 0; i < 3000; i++) windows.push(Array.from({ length: 4 }, () => (rng.int(0, 7) === 0 ? -128 : rng.int(-128, 127))));
    sim.set('rst', 1);
    sim.step();
    sim.set('rst', 0);
    let idleCycles = 0;
    windows.forEach((xs, i) => {
      xs.forEach((v, k) => {
        // An idle cycle between values must not disturb the running maximum.
        while (rng.int(0, 5) === 0) {
          sim.drive({ in_valid: 0, in_first: rng.int(0, 1), in_last: rng.int(0, 1), x: rng.int(-128, 127) });
          sim.step();
          idleCycles++;
        }
        sim.drive({ in_valid: 1, in_first: k === 0 ? 1 : 0, in_last: k === 3 ? 1 : 0, x: v });
        sim.step();
        if (k < 3) sim.expect('out_valid', 0, `window ${i} value ${k}, seed ${seed}`);
      });
      sim.drive({ in_valid: 0, in_first: 0, in_last: 0 });
      const expected = maxPool2(Int8Array.from(xs), [1, 2, 2], (n) => new Int8Array(n)).y[0]!;
      sim.expect('out_valid', 1);
      sim.expect('y', expected, `window ${i} [${xs.join(', ')}], seed ${seed}`);
    });
    console.log(`compared ${windows.length} 2x2 windows streamed with ${idleCycles} idle cycles against maxPool2 (seed ${seed})`);
  });

  simTest('argmax: ties to the lowest index, restarts cleanly', fromEmitted(argmax.emitted), (sim: Simulation) => {
    const seed = 99;
    const rng = new Rng(seed);
    sim.set('rst', 1);
    sim.step();
    sim.set('rst', 0);
    // Hand-checked: [index, best] for each run.
    const handChecked: [number[], number, number][] = [
      [[3, 7, 7, 1], 1, 7],
      [[-5, -5, -5], 0, -5],
      [[-(2 ** 31), -(2 ** 31) + 1], 1, -(2 ** 31) + 1],
      [[2 ** 31 - 1, 2 ** 31 - 1, 0], 0, 2 ** 31 - 1],
      [[0, 0, 0, 0, 0, 0, 0, 0, 0, 9], 9, 9],
      [[42], 0, 42],
    ];
    for (const [values, index, best] of handChecked) {
      expect(runArgmax(sim, values), `[${values.join(', ')}]`).toEqual({ index, best });
    }
    let runs = 0;
    for (let r = 0; r < 300; r++) {
      const n = rng.int(1, 200);
      const spread = rng.int(1, 2 ** rng.int(1, 31)); // small spreads force ties
      const values = Array.from({ length: n }, () => rng.int(-spread, spread - 1));
      let want = 0;
      for (let i = 1; i < n; i++) if (values[i]! > values[want]!) want = i;
      expect(runArgmax(sim, values), `run ${r}, seed ${seed}`).toEqual({ index: want, best: values[want] });
      runs++;
    }
    console.log(`compared ${handChecked.length} hand-checked and ${runs} random argmax runs (seed ${seed})`);
  });
});

/**
 * Comparisons against constants (gtConst / geConst / ltConst / atMost in
 * generator/engine/const-compare.ts, AND/OR chains instead of carry chains) on Verilator against
 * JavaScript's own comparison, for every input of a 7-bit operand and constants at and around
 * every edge (below 0, 0, powers of two and their neighbours, all ones, past the width).
 */
import { describe, expect } from 'vitest';
import { Bool, UInt, defineModule } from '../dsl/index.js';
import { fromEmitted, type Simulation } from '../../verif/index.js';
import { simTest } from '../../verif/vitest.js';
import { emitBlock } from '../engine/check.js';
import { lintGateTest } from './helpers/lint-gate.js';
import { atMost, geConst, gtConst, ltConst } from '../engine/const-compare.js';

const X_BITS = 7;
const CONSTANTS = [-1, 0, 1, 2, 3, 5, 42, 63, 64, 65, 85, 126, 127, 128, 200];

const Bench = defineModule('const_compare_bench', (m) => {
  m.clockAndReset();
  const x = m.input('x', UInt(X_BITS));
  CONSTANTS.forEach((k, i) => {
    m.output(`gt${i}`, Bool).set(gtConst(x, k));
    m.output(`ge${i}`, Bool).set(geConst(x, k));
    m.output(`lt${i}`, Bool).set(ltConst(x, k));
    m.output(`le${i}`, Bool).set(atMost(x, k));
  });
});
const block = emitBlock(Bench());

describe('comparisons against constants (const-compare.ts)', () => {
  lintGateTest([block]);

  simTest('gtConst, geConst, ltConst, atMost equal >, >=, <, <= for every x', fromEmitted(block.emitted), (sim: Simulation) => {
    let compared = 0;
    for (let x = 0; x < 2 ** X_BITS; x++) {
      sim.set('x', x);
      sim.step();
      CONSTANTS.forEach((k, i) => {
        expect(sim.get(`gt${i}`), `${x} > ${k}`).toBe(x > k ? 1 : 0);
        expect(sim.get(`ge${i}`), `${x} >= ${k}`).toBe(x >= k ? 1 : 0);
        expect(sim.get(`lt${i}`), `${x} < ${k}`).toBe(x < k ? 1 : 0);
        expect(sim.get(`le${i}`), `${x} <= ${k}`).toBe(x <= k ? 1 : 0);
        compared += 4;
      });
    }
    console.log(`compared ${compared} comparisons (${2 ** X_BITS} inputs x ${CONSTANTS.length} constants x 4) against JavaScript`);
  });
});

/**
 * Rebuild lane and rebuild engine against the golden arithmetic of sw/quant/sd-weights.ts
 * (`rebuildBlock`): random rows and directed edge cases (all codes zero, largest exponent with
 * B = -128 / 127, R = 0 and R = 15, saturation), B reloads in flight, bubbles in the stream.
 * Also: the lint gate, and no multiplier in a lane.
 */
import { describe, expect, test } from 'vitest';
import { Rng } from '../../common/rng.js';
import { fromEmitted, type Simulation } from '../../verif/index.js';
import { simTest } from '../../verif/vitest.js';
import { rebuildBlock } from '../../sw/quant/sd-weights.js';
import { coarseCells, emitBlock, type EmittedBlock } from '../engine/check.js';
import { lintGateTest } from './helpers/lint-gate.js';
import { REBUILD_LATENCY, RebuildEngine, RebuildLane, type RebuildEngineParams } from '../engine/rebuild.js';

interface LaneBasis { bq: number[]; shift: number }

/** Packing, golden values and random/directed stimuli for one parameter set. */
function stimuli(P: RebuildEngineParams) {
  const S = P.basis;
  const codeWidth = P.expBits + 1;
  const maxField = 2 ** P.expBits - 1;
  const maxShift = 2 ** P.shiftBits - 1;
  const randomByte = (rng: Rng): number => [-128, 127][rng.int(0, 7)] ?? rng.int(-128, 127);
  const neg = 1 << P.expBits;
  const all = (v: number, shift: number): LaneBasis => ({ bq: new Array(S * S).fill(v), shift });
  const perLane = <T>(pattern: T[]): T[] => Array.from({ length: P.lanes }, (_, o) => pattern[o % pattern.length]!);
  const same = (code: number): number[] => new Array(S).fill(code);
  return {
    packBWord(b: LaneBasis): bigint {
      let word = BigInt(b.shift) << BigInt(S * S * 8);
      b.bq.forEach((v, i) => { word |= BigInt(v & 0xff) << BigInt(i * 8); });
      return word;
    },
    packCodes(codes: number[][]): bigint {
      let word = 0n;
      codes.forEach((laneCodes, o) => laneCodes.forEach((c, k) => { word |= BigInt(c) << BigInt((o * S + k) * codeWidth); }));
      return word;
    },
    /** Golden weights of one lane for one Ce row: all S columns. */
    golden(codes: number[], b: LaneBasis): number[] {
      return rebuildBlock({ rows: 1, codes, bq: b.bq, shift: b.shift, rowMask: [1] }, S, P.expBits);
    },
    randomCodes: (rng: Rng): number[][] => Array.from({ length: P.lanes }, () => Array.from({ length: S },
      () => (rng.int(0, 3) === 0 ? 0 : (rng.int(0, 1) << P.expBits) | rng.int(1, maxField)))),
    randomBasis: (rng: Rng): LaneBasis => ({
      bq: Array.from({ length: S * S }, () => randomByte(rng)),
      shift: [0, maxShift][rng.int(0, 5)] ?? rng.int(0, maxShift),
    }),
    /** Directed rows: all codes zero; the largest exponent, all terms of one sign, B = -128 / 127,
     *  R = 0 (saturates) and R = max; signs cancelling exactly and the smallest exponent. */
    directed: (): { codes: number[][]; bases: LaneBasis[] }[] => [
      { codes: perLane([same(0)]), bases: perLane([all(127, 0), all(-128, maxShift), all(-128, 0), all(5, 3)]) },
      { codes: perLane([same(maxField), same(neg | maxField)]), bases: perLane([all(127, 0), all(-128, 0), all(-128, maxShift), all(127, maxShift)]) },
      { codes: perLane([[1, neg | 1, 0], [neg | 1, 1, 1], [maxField, neg | maxField, 0], [1, 1, 1]]), bases: perLane([all(-128, 0), all(127, 1), all(127, maxShift), all(-1, 1)]) },
    ],
  };
}

function engineTest(P: RebuildEngineParams, engine: EmittedBlock, seed: number): void {
  const S = P.basis;
  const st = stimuli(P);
  simTest(`${engine.top} equals rebuildBlock on random and edge rows, with reloads and bubbles`, fromEmitted(engine.emitted), (sim: Simulation) => {
    const rng = new Rng(seed);
    const bases: LaneBasis[] = Array.from({ length: P.lanes }, () => ({ bq: new Array(S * S).fill(0), shift: 0 }));
    const pending: { expect: number[]; what: string }[] = [];
    let compared = 0;

    const checkOutputs = (): void => {
      if (sim.get('out_valid') !== 1) return;
      const item = pending.shift();
      if (!item) throw new Error(`out_valid without an input (seed ${seed})`);
      for (let o = 0; o < P.lanes; o++) sim.expect(`w${o}`, item.expect[o]!, `${item.what}, lane ${o}, seed ${seed}`);
      compared++;
    };
    const cycle = (): void => {
      sim.step();
      checkOutputs();
      sim.drive({ cfg_we: 0, in_valid: 0 });
    };
    const load = (o: number, b: LaneBasis): void => {
      sim.drive({ cfg_we: 1, cfg_lane: o, cfg_bword: st.packBWord(b) });
    };
    /** Presents one row at column j (the columns stand at j); the lanes use the B registers as they are before this edge. */
    const issue = (codes: number[][], j: number, what: string): void => {
      sim.drive({ in_valid: 1, in_codes: st.packCodes(codes) });
      pending.push({ expect: codes.map((c, o) => st.golden(c, bases[o]!)[j]!), what });
    };
    /** Ends column j's cycle: the columns move on (S per row). */
    const columnCycle = (): void => {
      sim.drive({ in_next: 1 });
      cycle();
      sim.drive({ in_next: 0 });
    };

    sim.set('rst', 1);
    sim.step();
    sim.set('rst', 0);
    cycle();

    st.directed().forEach(({ codes, bases: next }, d) => {
      next.forEach((b, o) => { load(o, b); cycle(); bases[o] = b; });
      for (let j = 0; j < S; j++) { issue(codes, j, `directed case ${d}, column ${j}`); columnCycle(); }
    });
    for (let row = 0; row < 600; row++) {
      const codes = st.randomCodes(rng);
      // Reloads come between rows (columns at 0, no in_next), sometimes with an issue of column 0.
      if (rng.int(0, 2) === 0) {
        const o = rng.int(0, P.lanes - 1);
        const b = st.randomBasis(rng);
        load(o, b);
        if (rng.int(0, 1) === 0) issue(codes, 0, `random row ${row}, column 0 beside a reload of lane ${o}`);
        bases[o] = b; // takes effect at this edge: later inputs see it
        cycle();
      }
      for (let j = 0; j < S; j++) {
        if (rng.int(0, 7) !== 0) issue(codes, j, `random row ${row}, column ${j}`);
        // A bubble cycle without in_next between columns must hold the column.
        if (rng.int(0, 9) === 0) cycle();
        columnCycle();
      }
    }
    for (let i = 0; i < REBUILD_LATENCY; i++) cycle();
    expect(pending.length).toBe(0);
    console.log(`compared ${compared} engine outputs x ${P.lanes} lanes against rebuildBlock (${engine.top}, seed ${seed}, latency ${REBUILD_LATENCY})`);
  });
}

const P: RebuildEngineParams = { lanes: 4, basis: 3, expBits: 3, shiftBits: 4 };
const lane = emitBlock(RebuildLane({ basis: P.basis, expBits: P.expBits, shiftBits: P.shiftBits }));
const engine = emitBlock(RebuildEngine(P));
// Another corner of the configuration: 2 lanes, 4 exponent bits (shifts up to 14), 5-bit R.
const P2: RebuildEngineParams = { lanes: 2, basis: 3, expBits: 4, shiftBits: 5 };
const engine2 = emitBlock(RebuildEngine(P2));

describe('rebuild engine blocks', () => {
  lintGateTest([lane, engine, engine2]);

  test('a lane has shifters and adders, no multiplier', () => {
    const cells = coarseCells(lane);
    const types = Object.keys(cells);
    expect(types.some((t) => /mul|macc/.test(t)), JSON.stringify(cells)).toBe(false);
    // The term shifters are multiplexer stages of fixed shifts (expBits per term).
    expect(cells.$mux ?? 0, JSON.stringify(cells)).toBeGreaterThanOrEqual(P.basis * P.expBits);
    expect(cells.$add ?? 0, JSON.stringify(cells)).toBeGreaterThan(0);
    console.log(`compared coarse cells of ${lane.top}: ${JSON.stringify(cells)}`);
  });

  engineTest(P, engine, 20240501);
  engineTest(P2, engine2, 20240502);
});

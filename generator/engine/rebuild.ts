/**
 * The rebuild engine (docs/engine.md "Rebuild engine"): turns one Ce row (S power-of-two codes per
 * lane) and each lane's int8 basis B into one int8 weight per lane per cycle, with shifters and
 * adders only (no multiplier):
 *
 *   t  = sum_k (f_k == 0 ? 0 : (-1)^s_k * (B[k][j] << (f_k - 1)))
 *   w8 = clamp(roundShift(t, R), -128, 127)
 *
 * roundShift(t, R) = floor((t + 2^(R-1)) / 2^R) is computed as ((2t >>> R) + 1) >>> 1 (arithmetic
 * shifts), which equals it for every R >= 1 and gives t for R = 0, so no special case is needed.
 */
import { Bool, SInt, UInt, addTree, cat, defineModule, lit, mux, type Value } from '../dsl/index.js';
import { shiftRightSat } from './const-mul.js';

export interface RebuildLaneParams {
  /** Basis size S (codes per Ce row, rows of B). */
  basis: number;
  /** Exponent field bits of a Ce code (code = sign bit above the field; field 0 = zero). */
  expBits: number;
  /** Bits of the rebuild shift R. */
  shiftBits: number;
}

/** Width of the rebuild sum t: S terms of int8 shifted by up to 2^expBits - 2, negated. */
export function rebuildSumWidth(p: Pick<RebuildLaneParams, 'basis' | 'expBits'>): number {
  const termWidth = 8 + (2 ** p.expBits - 1) + 1; // shifted int8, plus one bit for the negation
  return termWidth + Math.ceil(Math.log2(p.basis));
}

/** Latency of a lane (and of the engine) in cycles from inputs to the registered weight. */
export const REBUILD_LATENCY = 2;

/**
 * One lane: codes and the selected B column in, an int8 weight out REBUILD_LATENCY cycles later.
 * Stage 1 registers t (sign-selected shifted terms through an adder tree); stage 2 registers the
 * rounded, saturated weight. The pipeline runs every cycle; the engine carries `valid` beside it.
 */
export const RebuildLane = defineModule('sd_rebuild_lane', (m, p: RebuildLaneParams) => {
  m.clockAndReset();
  const codeWidth = p.expBits + 1;
  const codes = Array.from({ length: p.basis }, (_, k) => m.input(`code${k}`, UInt(codeWidth)));
  const bcol = Array.from({ length: p.basis }, (_, k) => m.input(`b${k}`, SInt(8)));
  const rshift = m.input('r', UInt(p.shiftBits));
  const w = m.output('w', SInt(8));

  // Each term is shifted by its field f itself, not f - 1, so the sum is 2t: one stage-1 shifter
  // step fewer to mux around (a shift by f - 1 needs the decrement and its wrap at f = 0), and 2t
  // is what stage 2 shifts.
  const termWidth = 8 + 2 ** p.expBits;
  const negations: Value[] = [];
  const terms = codes.map((code, k) => {
    const field = code.slice(p.expBits - 1, 0);
    const negative = code.bit(p.expBits);
    const live = field.ne(0);
    // The first step's other choice is B when any higher field bit is set, else 0 (f = 0): the
    // zeroing shares that step's LUT instead of adding one before it.
    const b8 = bcol[k]!.resize(termWidth);
    const higher = p.expBits > 1 ? field.slice(p.expBits - 1, 1).orR() : lit(0, Bool);
    let shifted: Value = mux(field.bit(0), b8.shl(1).resize(termWidth), mux(higher, b8, 0)).asSigned();
    for (let b = 1; b < p.expBits; b++) shifted = mux(field.bit(b), shifted.shl(2 ** b).resize(termWidth), shifted).asSigned();
    // -v = ~v + 1: invert here, add the +1s as one small sum below (cheaper than three negators).
    negations.push(live.and(negative));
    return shifted.xor(live.and(negative).repeat(termWidth).asSigned()).named(`term${k}`);
  });
  const sumWidth = rebuildSumWidth(p);
  const t = m.reg('t_q', SInt(sumWidth), { init: 0 });
  const rq = m.reg('r_q', UInt(p.shiftBits), { init: 0 });
  const plusOnes = addTree(negations);
  // 2t is even: t_q keeps t.
  const twiceT = addTree([...terms, plusOnes.zext(plusOnes.width + 1).asSigned()]).named('twice_t');
  t.set(twiceT.sra(1).resize(sumWidth));
  rq.set(rshift);

  // floor(t / 2^(R-1)), i.e. 2t >>> R, saturated to 9 bits: past them the rounded value saturates
  // to int8 all the same.
  const scaled = shiftRightSat(t.shl(1), rq, 9).named('scaled');
  const rounded = scaled.add(1).sra(1).named('rounded');
  const wq = m.reg('w_q', SInt(8), { init: 0 });
  wq.set(rounded.sat(8));
  w.set(wq);
  return { codes, b: bcol, r: rshift, w };
});

export interface RebuildEngineParams extends RebuildLaneParams {
  /** Lanes = PE rows = output channels rebuilt in parallel (P_o). */
  lanes: number;
}

/** Bit layout of one B word (a lane's basis and shift): Bq[k][j] at bits (k*S + j)*8, R above S*S*8. */
export function bWordWidth(p: Pick<RebuildLaneParams, 'basis' | 'shiftBits'>): number {
  return p.basis * p.basis * 8 + p.shiftBits;
}

/** Bit layout of one CE row word: lane o, code k at bits (o*S + k) * (1 + expBits). */
export function ceRowWidth(p: Pick<RebuildEngineParams, 'lanes' | 'basis' | 'expBits'>): number {
  return p.lanes * p.basis * (p.expBits + 1);
}

/**
 * P_o lanes with their B / R registers. Load a lane's B word with `cfg_we` + `cfg_lane` +
 * `cfg_bword` (one lane per cycle, takes effect on the next cycle) between rows, when the columns
 * stand at column 0, never with `in_next`. Each cycle with `in_valid` and `in_codes` (a CE row word) gives one weight
 * per lane of the current kernel column on `w<o>` with `out_valid`, REBUILD_LATENCY cycles later;
 * `in_next` moves to the next column after the cycle (column S-1 wraps to 0), so a row takes S
 * `in_next` whether or not each column is issued.
 *
 * The B columns rotate through their registers instead of being picked by a multiplexer: the
 * current column always sits in the first, and each register's input is a two-way choice (load or
 * rotate) that shares the register's logic cell, where a register loaded straight from B data
 * takes a cell of its own and the column multiplexer more cells besides.
 */
export const RebuildEngine = defineModule('sd_rebuild_engine', (m, p: RebuildEngineParams) => {
  const { clk, rst } = m.clockAndReset();
  const codeWidth = p.expBits + 1;
  const laneBits = Math.max(1, Math.ceil(Math.log2(p.lanes)));
  const cfgWe = m.input('cfg_we', Bool);
  const cfgLane = m.input('cfg_lane', UInt(laneBits));
  const cfgWord = m.input('cfg_bword', UInt(bWordWidth(p)));
  const inValid = m.input('in_valid', Bool);
  const inCodes = m.input('in_codes', UInt(ceRowWidth(p)));
  const inNext = m.input('in_next', Bool);
  const outValid = m.output('out_valid', Bool);
  const weights: Value[] = [];

  const laneParams = { basis: p.basis, expBits: p.expBits, shiftBits: p.shiftBits };
  for (let o = 0; o < p.lanes; o++) {
    const load = cfgWe.and(cfgLane.eq(o));
    const entry = (k: number, j: number): Value => cfgWord.slice((k * p.basis + j) * 8 + 7, (k * p.basis + j) * 8);
    // cols[i] holds column (current + i) mod S: entries B[k][.] for k < S, row k at bits 8k.
    const cols = Array.from({ length: p.basis }, (_, i) => m.reg(`bcol${o}_${i}`, UInt(8 * p.basis), { init: 0 }));
    cols.forEach((col, i) => {
      m.when(load, () => col.set(cat(...Array.from({ length: p.basis }, (_, k) => entry(p.basis - 1 - k, i)))))
        .elseWhen(inNext, () => col.set(cols[(i + 1) % p.basis]!));
    });
    const rshift = m.reg(`bshift${o}`, UInt(p.shiftBits), { init: 0, enable: load });
    rshift.set(cfgWord.slice(bWordWidth(p) - 1, p.basis * p.basis * 8));
    const column = Array.from({ length: p.basis }, (_, k) => cols[0]!.slice(8 * k + 7, 8 * k).asSigned());
    const conn: Record<string, Value> = { clk, rst, r: rshift };
    for (let k = 0; k < p.basis; k++) {
      const lo = (o * p.basis + k) * codeWidth;
      conn[`code${k}`] = inCodes.slice(lo + codeWidth - 1, lo);
      conn[`b${k}`] = column[k]!;
    }
    const lane = m.instance(`lane${o}`, RebuildLane(laneParams), conn);
    const w = m.output(`w${o}`, SInt(8));
    w.set(lane.io.w);
    weights.push(w);
  }

  // valid travels beside the lanes' pipeline.
  let valid: Value = inValid;
  for (let s = 0; s < REBUILD_LATENCY; s++) {
    const stage = m.reg(`valid_q${s}`, Bool, { init: 0 });
    stage.set(valid);
    valid = stage;
  }
  outValid.set(valid);
  return { cfgWe, cfgLane, cfgWord, inValid, inCodes, inNext, outValid, weights };
});

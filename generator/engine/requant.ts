/**
 * Requantization unit (docs/engine.md "Requantization and pooling", docs/sw-compression.md
 * section 6): y = clamp(z_out + roundShift(acc * M, shift), lo, 127), lo = z_out with ReLU folded
 * in, else -128. acc x M is formed from two unsigned half x M products (one SB_MAC16 each on the
 * iCE40), the high one signed by subtracting M x 2^hiBits when acc < 0. With `beats` = 2 one
 * multiplier forms both, one value every two cycles (the UP5K's 8 SB_MAC16 go to the PE array):
 *   beat 0 (`in_lo`):    acc's low half x M into a register;
 *   beat 1 (`in_valid`): acc's high half x M plus the low product: the exact acc x M = p, then
 *                        the shift's steps of 8 and more and the check of p's bits above them
 *                        (stage 1);
 * with `beats` = 1 two multipliers form both in the `in_valid` cycle (one value per cycle);
 *   stage 2:             the steps below 8 into a 10-bit window of 2p >> shift, then rounding,
 *                        z_out and the clamp from one adder and one compare (no chain of adders:
 *                        the UP5K's critical path was here).
 * acc, mult and shift stay put over both beats; z_out and lo are the layer's constants and must
 * stay put until y is out (stage 2 reads them); y is out REQUANT_LATENCY cycles after the
 * `in_valid` cycle.
 */
import { Bool, SInt, UInt, cat, defineModule, lit, mux, select, type Value } from '../dsl/index.js';

export interface RequantParams {
  accBits: number;
  /** Width of the unsigned multiplier M. */
  multiplierBits: number;
  /** Width of the right-shift field (6 bits: 0..63). */
  shiftBits: number;
  /** Cycles per value: 2 (one multiplier, `in_lo` then `in_valid`; the default) or 1 (two multipliers). */
  beats?: 1 | 2;
}

/** Signed bits of 2p >> shift that stage 2 works on: any value past them clamps as its sign says. */
const WINDOW_BITS = 10;

/** Shift bits below this many go to stage 2; the higher ones shift in stage 1 (after the product). */
const FINE_SHIFT_BITS = 3;

/**
 * x >> (sum of the selected steps), arithmetic (x signed), largest step first, keeping only the
 * bits that can still reach the low n bits of the result: n plus the steps still to come.
 */
function shiftStages(x: Value, stages: { sel: Value; step: number }[], n: number): Value {
  const sign = x.bit(x.width - 1);
  let v = x;
  stages.forEach(({ sel, step }, i) => {
    const keep = Math.min(v.width, n + stages.slice(i + 1).reduce((a, s) => a + s.step, 0));
    const shifted = step >= v.width ? sign.repeat(v.width).asSigned() : v.sra(step);
    v = mux(sel, shifted.trunc(keep), v.trunc(keep)).asSigned();
  });
  return v;
}

/**
 * p's bits from group * a + WINDOW_BITS - 2 + group up (above the coarse window of a shift by
 * group * a) are copies of its sign: per group of bits one flag, then the flags from a's group up.
 */
function groupsAboveOk(prod: Value, a: Value, group: number): Value {
  const sign = prod.bit(prod.width - 1);
  const first = WINDOW_BITS - 2 + group;
  const flags: Value[] = [];
  for (let lo = first; lo <= prod.width - 2; lo += group) {
    const bits = prod.asUnsigned().slice(Math.min(lo + group - 1, prod.width - 2), lo);
    flags.push(bits.xor(sign.repeat(bits.width)).orR().not());
  }
  const fromGroup: Value[] = [];
  for (let k = flags.length - 1; k >= 0; k--) fromGroup[k] = k === flags.length - 1 ? flags[k]! : flags[k]!.and(fromGroup[k + 1]!);
  // Groups past the largest a are covered by the AND chain of every a below them.
  return fromGroup.length === 0 ? lit(1, Bool) : select(a, fromGroup.slice(0, 2 ** a.width), 1);
}

/** Cycles from the `in_valid` beat to `out_valid`. */
export const REQUANT_LATENCY = 2;

export const Requant = defineModule('sd_requant', (m, p: RequantParams) => {
  const beats = p.beats ?? 2;
  if (beats !== 1 && beats !== 2) throw new RangeError(`sd_requant: beats must be 1 or 2, got ${beats}`);
  m.clockAndReset();
  const inLo = beats === 2 ? m.input('in_lo', Bool) : undefined;
  const inValid = m.input('in_valid', Bool);
  const acc = m.input('acc', SInt(p.accBits));
  const mult = m.input('mult', UInt(p.multiplierBits));
  const shift = m.input('shift', UInt(p.shiftBits));
  const zOut = m.input('z_out', SInt(8));
  const lo = m.input('lo', SInt(8));
  const outValid = m.output('out_valid', Bool);
  const y = m.output('y', SInt(8));

  // acc = hiSigned * 2^loBits + loUnsigned, hiSigned = hiUnsigned - sign * 2^hiBits, so
  // acc * M = upper * 2^loBits + (loU * M mod 2^loBits) with
  // upper = hiU * M + corr,  corr = (loU * M >> loBits) - sign * M * 2^hiBits.
  // The product is exact in prodBits signed bits; upper is formed modulo 2^(prodBits - loBits).
  const loBits = Math.ceil(p.accBits / 2);
  const hiBits = p.accBits - loBits;
  const prodBits = p.accBits + p.multiplierBits + 1;
  const upperBits = prodBits - loBits;
  const accU = acc.asUnsigned();
  const accLo = accU.slice(loBits - 1, 0);
  const accHi = accU.slice(p.accBits - 1, loBits).zext(loBits);
  // sign * M * 2^hiBits is zero in corr's low hiBits bits: only the bits above subtract.
  const corrOf = (lowProd: Value): Value => {
    const high = lowProd.srl(loBits);
    const above = high.srl(hiBits).resize(upperBits - hiBits).sub(mux(accU.bit(p.accBits - 1), mult, 0).resize(upperBits - hiBits)).trunc(upperBits - hiBits);
    return cat(above, high.trunc(hiBits));
  };
  let hiProd: Value;
  let corr: Value;
  let lowBits: Value;
  if (inLo) {
    // Beat 0 keeps corr and the low bits, so beat 1 adds one term after its multiplier.
    const halfProd = mux(inLo, accLo, accHi).named('mul_half').mul(mult).named('half_prod');
    const corrQ = m.reg('corr_q', UInt(upperBits), { init: 0, enable: inLo });
    const lowQ = m.reg('low_bits_q', UInt(loBits), { init: 0, enable: inLo });
    corrQ.set(corrOf(halfProd));
    lowQ.set(halfProd.trunc(loBits));
    hiProd = halfProd;
    corr = corrQ;
    lowBits = lowQ;
  } else {
    const lowProd = accLo.mul(mult).named('low_prod');
    hiProd = accHi.mul(mult).named('high_prod');
    corr = corrOf(lowProd);
    lowBits = lowProd.trunc(loBits);
  }
  const upper = hiProd.zext(upperBits).add(corr).trunc(upperBits);
  const product = cat(upper, lowBits).asSigned().named('product');

  // Stage 1 ends with the shift's coarse steps (its bits from fineBits up) and half of the window
  // check, off stage 2's path; stage 2 has the fine steps, one adder and one compare beside it:
  //   win  = (2p >> shift) in WINDOW_BITS signed bits (only the bits that can reach them are shifted);
  //   fits = p's bits from shift + 8 up are copies of its sign, i.e. win is the exact 2p >> shift:
  //          those above the coarse window by groups in stage 1, those inside it in stage 2;
  //   sum  = win + (2 z_out + 1): sum >> 1 = roundShift(p, shift) + z_out, one adder;
  //   sum >> 1 > 127 <=> sum >= 256 (its top bits), sum >> 1 < lo <=> win < 2 (lo - z_out) - 1
  //          (beside the adder); past the window the sign alone decides: 127 or lo.
  const fineBits = Math.min(FINE_SHIFT_BITS, p.shiftBits);
  const group = 2 ** fineBits;
  // The steps of the bits of s, largest first; s's bit 0 shifts by 2^low.
  const steps = (s: Value, low: number) => Array.from({ length: s.width }, (_, i) => ({ sel: s.bit(s.width - 1 - i), step: 2 ** (low + s.width - 1 - i) }));
  const shiftHigh = p.shiftBits > fineBits ? shift.slice(p.shiftBits - 1, fineBits) : undefined;
  const coarse = shiftStages(product.shl(1), shiftHigh ? steps(shiftHigh, fineBits) : [], WINDOW_BITS + group - 1);
  const sign = product.bit(prodBits - 1);
  const aboveOk = shiftHigh ? groupsAboveOk(product, shiftHigh, group) : lit(1, Bool);

  // Data registers need no reset: valid travels beside them.
  const coarseQ = m.reg('coarse_q', SInt(coarse.width));
  const fineQ = m.reg('fine_q', UInt(Math.max(1, fineBits)));
  const aboveOkQ = m.reg('above_ok_q', Bool);
  const signQ = m.reg('sign_q', Bool);
  const valid1 = m.reg('valid_q0', Bool, { init: 0 });
  coarseQ.set(coarse);
  fineQ.set(fineBits > 0 ? shift.slice(fineBits - 1, 0) : 0);
  aboveOkQ.set(aboveOk);
  signQ.set(sign);
  valid1.set(inValid);

  const win = shiftStages(coarseQ, fineBits > 0 ? steps(fineQ, 0) : [], WINDOW_BITS)
    .trunc(WINDOW_BITS).named('window');
  // coarseQ bit i is p's bit 8a + i - 1 (shift = 8a + f): p's bits shift + 8 .. 8a + 15 are its bits 9 + f .. 16.
  const insideBits = coarseQ.asUnsigned().slice(coarseQ.width - 1, WINDOW_BITS - 1);
  const insideMask = lit(2 ** insideBits.width - 1, UInt(insideBits.width)).shl(fineQ).trunc(insideBits.width);
  const insideOk = insideBits.xor(signQ.repeat(insideBits.width)).and(insideMask).orR().not();
  const fitsQ = aboveOkQ.and(insideOk).named('fits');
  // z_out and lo are layer constants (held until y is out), so stage 2 reads them directly; the
  // low bound's subtraction runs beside the shifter.
  const loLimit = lo.sub(zOut).shl(1).sub(1).resize(WINDOW_BITS).named('lo_limit');
  const sum = win.add(cat(zOut, lit(1, UInt(1))).asSigned()).named('sum');
  const aboveHi = sum.bit(WINDOW_BITS).not().and(sum.bit(WINDOW_BITS - 1).or(sum.bit(WINDOW_BITS - 2)));
  const belowLo = win.lt(loLimit);
  const takeHi = mux(fitsQ, aboveHi, signQ.not()).named('take_hi');
  const takeLo = mux(fitsQ, belowLo, signQ).named('take_lo');
  const clamped = mux(takeHi, 127, mux(takeLo, lo, sum.slice(8, 1).asSigned())).named('clamped');
  const yQ = m.reg('y_q', SInt(8));
  const valid2 = m.reg('valid_q1', Bool, { init: 0 });
  yQ.set(clamped);
  valid2.set(valid1);
  y.set(yQ);
  outValid.set(valid2);
  return { inValid, acc, mult, shift, zOut, lo, outValid, y };
});

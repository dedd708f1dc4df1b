/**
 * Requantization unit (docs/engine.md "Requantization and pooling", docs/sw-compression.md
 * section 6): y = clamp(z_out + roundShift(acc * M, shift), lo, 127), lo = z_out with ReLU folded
 * in, else -128. acc x M is formed from two unsigned half x M products (one SB_MAC16 each on the
 * iCE40), the high one signed by subtracting M x 2^hiBits when acc < 0. With `beats` = 2 one
 * multiplier forms both, one value every two cycles (the UP5K's 8 SB_MAC16 go to the PE array):
 *   beat 0 (`in_lo`):    acc's low half x M into a register;
 *   beat 1 (`in_valid`): acc's high half x M plus the low product: the exact acc x M, with the
 *                        per-value controls (stage 1);
 * with `beats` = 1 two multipliers form both in the `in_valid` cycle (one value per cycle);
 *   stage 2:             rounding shift ((2p >>> shift) + 1) >>> 1 (the shift saturated to 10 bits),
 *                        add z_out, clamp to [lo, 127].
 * acc, mult, shift, z_out and lo stay put over both beats; y is out REQUANT_LATENCY cycles after
 * the `in_valid` cycle.
 */
import { Bool, SInt, UInt, cat, defineModule, mux, type Value } from '../dsl/index.js';
import { shiftRightSat } from './const-mul.js';

export interface RequantParams {
  accBits: number;
  /** Width of the unsigned multiplier M. */
  multiplierBits: number;
  /** Width of the right-shift field (6 bits: 0..63). */
  shiftBits: number;
  /** Cycles per value: 2 (one multiplier, `in_lo` then `in_valid`; the default) or 1 (two multipliers). */
  beats?: 1 | 2;
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
  const signFix = mux(accU.bit(p.accBits - 1), mult.shl(hiBits), 0).zext(upperBits);
  const corrOf = (lowProd: Value): Value => lowProd.srl(loBits).resize(upperBits).sub(signFix).trunc(upperBits);
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

  const prodQ = m.reg('prod_q', SInt(prodBits), { init: 0 });
  const shiftQ = m.reg('shift_q', UInt(p.shiftBits), { init: 0 });
  const zQ = m.reg('z_q', SInt(8), { init: 0 });
  const loQ = m.reg('lo_q', SInt(8), { init: 0 });
  const valid1 = m.reg('valid_q0', Bool, { init: 0 });
  prodQ.set(product);
  shiftQ.set(shift);
  zQ.set(zOut);
  loQ.set(lo);
  valid1.set(inValid);

  // floor(p / 2^(shift-1)) (2p for shift 0), saturated to 10 bits: any value past them rounds to
  // 256 or more in magnitude, which the clamp maps as it would the exact one (|z_out| <= 128).
  const scaled = shiftRightSat(prodQ.shl(1), shiftQ, 10).named('scaled');
  const rounded = scaled.add(1).sra(1).named('rounded');
  const biased = rounded.add(zQ).named('biased');
  const clamped = mux(biased.gt(127), 127, mux(biased.lt(loQ), loQ, biased.resize(8))).named('clamped');
  const yQ = m.reg('y_q', SInt(8), { init: 0 });
  const valid2 = m.reg('valid_q1', Bool, { init: 0 });
  yQ.set(clamped);
  valid2.set(valid1);
  y.set(yQ);
  outValid.set(valid2);
  return { inValid, acc, mult, shift, zOut, lo, outValid, y };
});

/**
 * Arithmetic that keeps the iCE40 mapping small. yosys `synth_ice40 -dsp` gives every multiply
 * wider than a few bits an SB_MAC16, constants included; the UP5K has 8 and the PE array needs
 * them, so small constant factors become carry-chain adders instead. A right shift whose result is
 * saturated to a few bits needs only a narrow window of the shifter, not all of its width.
 */
import { UInt, cat, lit, mux, type Value } from '../dsl/index.js';

/** x * k (x unsigned, k a non-negative integer), exact, `x.width + bits(k)` wide like `x.mul(k)`. */
export function mulByConstant(x: Value, k: number): Value {
  if (!Number.isInteger(k) || k < 0) throw new Error(`mulByConstant: k must be a non-negative integer, got ${k}`);
  if (x.signed) throw new Error('mulByConstant: x must be unsigned');
  const width = x.width + Math.max(1, k.toString(2).length);
  let sum: Value | null = null;
  for (let bit = 0; 2 ** bit <= k; bit++) {
    if (Math.floor(k / 2 ** bit) % 2 === 0) continue;
    const term = x.shl(bit);
    sum = sum === null ? term : sum.add(term);
  }
  return (sum ?? lit(0, UInt(1))).resize(width);
}

/**
 * sat_n(x >> s): the arithmetic right shift of the signed x by the unsigned s, saturated to n
 * signed bits. Shifts by the largest step first, so each stage keeps only the bits that can still
 * reach the n-bit result and checks that the bits it drops are copies of the sign.
 */
export function shiftRightSat(x: Value, s: Value, n: number): Value {
  if (!x.signed) throw new Error('shiftRightSat: x must be signed');
  if (s.signed) throw new Error('shiftRightSat: s must be unsigned');
  if (!Number.isInteger(n) || n < 2 || n > x.width) throw new Error(`shiftRightSat: n must be 2..${x.width}, got ${n}`);
  const sign = x.bit(x.width - 1);
  let v = x;            // signed, the bits that can still reach the result
  let fits: Value = lit(1, UInt(1));
  for (let b = s.width - 1; b >= 0; b--) {
    const step = 2 ** b;
    // After this stage at most 2^b - 1 more positions are shifted out.
    const keep = Math.min(v.width, n + step - 1);
    const shifted = step >= v.width ? sign.repeat(v.width).asSigned() : v.sra(step);
    const dropped = v.width > keep ? v.slice(v.width - 1, keep - 1) : null; // bits above keep-1, with the new top
    const dropOk = dropped === null ? lit(1, UInt(1)) : dropped.eq(sign.repeat(dropped.width));
    fits = fits.and(mux(s.bit(b), 1, dropOk));
    v = mux(s.bit(b), shifted.trunc(keep), v.trunc(keep)).asSigned();
  }
  // v is n bits; fits says the shifted value had no other bits than copies of the sign above them.
  const max = cat(lit(0, UInt(1)), lit(2 ** (n - 1) - 1, UInt(n - 1))).asSigned();
  const min = cat(lit(1, UInt(1)), lit(0, UInt(n - 1))).asSigned();
  return mux(fits, v, mux(sign, min, max)).resize(n);
}

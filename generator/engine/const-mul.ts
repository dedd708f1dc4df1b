/**
 * Multiplication by a constant as shifts and adds. yosys `synth_ice40 -dsp` gives every multiply
 * wider than a few bits an SB_MAC16, constants included; the UP5K has 8 and the PE array needs
 * them, so small constant factors become carry-chain adders instead.
 */
import { UInt, lit, type Value } from '../dsl/index.js';

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

/**
 * Comparisons of an unsigned value against a constant as AND/OR chains of its bits. yosys makes
 * every comparison a carry chain, and a chain whose sum is unused takes an iCE40 logic cell per
 * bit; against a constant a few LUT4s do (each folds three bits into the running verdict).
 */
import { Bool, lit, type Value } from '../dsl/index.js';

/** x > K for an unsigned x and a constant K. */
export function gtConst(x: Value, K: number): Value {
  if (x.signed) throw new Error('gtConst: x must be unsigned');
  if (K < 0) return lit(1, Bool);
  if (K >= 2 ** x.width - 1) return lit(0, Bool);
  let above: Value = lit(0, Bool);  // x's bits below i exceed K's bits below i
  for (let i = 0; i < x.width; i++) {
    const xi = x.bit(i);
    above = Math.floor(K / 2 ** i) % 2 === 1 ? xi.and(above) : xi.or(above);
  }
  return above;
}
/** x >= K, x < K, x <= K for an unsigned x and a constant K (see gtConst). */
export const geConst = (x: Value, K: number): Value => gtConst(x, K - 1);
export const ltConst = (x: Value, K: number): Value => gtConst(x, K - 1).not();
export const atMost = (x: Value, K: number): Value => gtConst(x, K).not();

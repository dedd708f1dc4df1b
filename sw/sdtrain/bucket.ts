/**
 * Bucket switching (SMARTDEAL.md section 4): the update rule for power-of-two coefficients.
 *
 * Every masked-in coefficient keeps a counter of the signs of its updates (+1 when gradient descent
 * wants it larger, -1 when smaller; a zero gradient counts nothing). When |counter| reaches `bar`
 * the coefficient takes one step in the counter's direction and the counter resets:
 *   - at 0: it becomes +-minC (the sign of the direction);
 *   - moving away from 0 (same sign): magnitude x2, clamped to maxC;
 *   - moving toward 0: magnitude / 2, and 0 once that falls below minC.
 * Masked-out coefficients never change.
 */
export interface BucketBounds {
  /** Smallest non-zero magnitude (a power of two). */
  minC: number;
  /** Largest magnitude (a power of two). */
  maxC: number;
}

/** Applies one step to c[start, end); returns how many coefficients switched. */
export function bucketSwitch(
  c: Float32Array, grad: Float32Array, mask: Uint8Array, counter: Int32Array,
  start: number, end: number, bar: number, bounds: BucketBounds,
): number {
  let switched = 0;
  for (let i = start; i < end; i++) {
    if (!mask[i]) continue;
    const g = grad[i]!;
    if (g === 0) continue;
    const cnt = counter[i]! + (g < 0 ? 1 : -1);
    if (Math.abs(cnt) < bar) {
      counter[i] = cnt;
      continue;
    }
    counter[i] = 0;
    const dir = cnt > 0 ? 1 : -1;
    const v = c[i]!;
    if (v === 0) c[i] = dir * bounds.minC;
    else if ((v > 0) === (dir > 0)) c[i] = dir * Math.min(bounds.maxC, Math.abs(v) * 2);
    else {
      const m = Math.abs(v) / 2;
      c[i] = m < bounds.minC ? 0 : Math.sign(v) * m;
    }
    switched++;
  }
  return switched;
}

/**
 * The integer primitives of the engine's arithmetic (docs/sw-compression.md, "Integer arithmetic
 * contract"). Every function takes and returns JavaScript numbers holding exact integers below 2^53,
 * so results equal what fixed-width hardware computes.
 */

export const INT8_MIN = -128;
export const INT8_MAX = 127;
export const INT32_MIN = -(2 ** 31);
export const INT32_MAX = 2 ** 31 - 1;

/** Clamps an integer to [lo, hi]. */
export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** Saturates to int8 [-128, 127]. */
export function saturate8(x: number): number {
  return clamp(x, INT8_MIN, INT8_MAX);
}

/**
 * Rounding arithmetic right shift: floor((x + 2^(s-1)) / 2^s) for s >= 1, x for s = 0.
 * Ties round toward +infinity (hardware: add 2^(s-1), then shift right arithmetically).
 * Computed without forming x + 2^(s-1), so it stays exact for |x| < 2^53 and any s.
 */
export function roundShift(x: number, s: number): number {
  if (s === 0) return x;
  const p = 2 ** s;
  const q = Math.floor(x / p); // exact: division by a power of two, then floor
  const rem = x - q * p; // in [0, p)
  return rem >= p / 2 ? q + 1 : q;
}

/** A real multiplier m > 0 approximated as M * 2^-shift with an unsigned `bits`-bit M. */
export interface FixedMultiplier {
  multiplier: number;
  shift: number;
}

/** Widest multiplier the exact software model supports. */
export const MAX_MULTIPLIER_BITS = 22;

/** Largest right shift the requantizer supports (a 6-bit field). */
export const MAX_SHIFT = 63;

/**
 * Chooses M in [2^(bits-1), 2^bits - 1] and shift >= 0 with M * 2^-shift nearest to m (the most
 * precise representation). Multipliers too small for a 63-bit shift get a smaller M (possibly 0).
 */
export function quantizeMultiplier(m: number, bits: number): FixedMultiplier {
  if (!(m >= 0) || !Number.isFinite(m)) throw new RangeError(`quantizeMultiplier: multiplier must be finite and >= 0, got ${m}`);
  // acc * M must stay below 2^53 to be exact here: 31 + 22 bits.
  if (!Number.isInteger(bits) || bits < 2 || bits > MAX_MULTIPLIER_BITS) throw new RangeError(`quantizeMultiplier: width must be 2..${MAX_MULTIPLIER_BITS} bits, got ${bits}`);
  if (m === 0) return { multiplier: 0, shift: 0 };
  let e = Math.floor(Math.log2(m));
  while (2 ** e > m) e--;
  while (2 ** (e + 1) <= m) e++;
  let shift = bits - 1 - e; // puts m * 2^shift in [2^(bits-1), 2^bits)
  if (shift < 0) throw new RangeError(`quantizeMultiplier: ${m} needs a left shift; the requantizer only shifts right`);
  if (shift > MAX_SHIFT) shift = MAX_SHIFT;
  let multiplier = Math.round(m * 2 ** shift);
  if (multiplier === 2 ** bits) {
    if (shift === 0) throw new RangeError(`quantizeMultiplier: ${m} does not fit ${bits} bits`);
    multiplier /= 2;
    shift -= 1;
  }
  return { multiplier, shift };
}

/**
 * Requantizes an int32 accumulator: clamp(zOut + roundShift(acc * M, shift), lo, 127).
 * With ReLU folded in, lo = zOut (the real value 0); otherwise lo = -128.
 * |acc| < 2^31 and M < 2^16 keep acc * M below 2^47: exact in a double, a 48-bit product in hardware.
 */
export function requantize(acc: number, m: FixedMultiplier, zOut: number, lo: number): number {
  return clamp(zOut + roundShift(acc * m.multiplier, m.shift), lo, INT8_MAX);
}

/**
 * Affine int8 parameters for a real range [min, max] (widened to contain 0 so that 0 is exact):
 * scale = (max - min) / 255, zeroPoint = round(-128 - min / scale) clamped to int8.
 */
export function affineParams(min: number, max: number): { scale: number; zeroPoint: number } {
  const lo = Math.min(0, min);
  let hi = Math.max(0, max);
  if (hi - lo < 1e-8) hi = lo + 1e-8; // a constant-zero tensor still needs a usable scale
  const scale = (hi - lo) / 255;
  return { scale, zeroPoint: clamp(Math.round(-128 - lo / scale), INT8_MIN, INT8_MAX) + 0 }; // + 0 turns -0 into 0
}

/**
 * The power-of-two quantizer of SmartDeal (SMARTDEAL.md section 3) and the integer codes the
 * hardware stores for Ce entries.
 *
 * Rounding rule: a magnitude m > 0 with 2^k <= m < 2^(k+1) goes to 2^k when m <= 1.5 * 2^k and to
 * 2^(k+1) otherwise. That is the nearest power of two in LINEAR distance; an exact tie (m = 1.5 * 2^k,
 * e.g. 3 or 0.75) goes to the SMALLER power. In binary this is "round up iff the bit after the
 * leading one is set and some lower bit is set too", which is what a hardware quantizer would do.
 */

export interface Pow2Options {
  /** Entries with |x| < threshold become 0. */
  threshold: number;
  /** Largest allowed magnitude; clipped to the largest power of two <= maxC. */
  maxC?: number;
  /**
   * Smallest allowed exponent. A magnitude whose nearest power lies below 2^minExp becomes the
   * nearer of 0 and 2^minExp (a tie goes to 0).
   */
  minExp?: number;
  /** Largest allowed exponent (combined with maxC: the tighter one wins). */
  maxExp?: number;
}

/** The integer k with 2^k <= m < 2^(k+1), exact (Math.log2 alone can be off by one near powers). */
export function floorLog2(m: number): number {
  if (!(m > 0) || !Number.isFinite(m)) throw new RangeError(`floorLog2 needs a finite positive number, got ${m}`);
  let k = Math.floor(Math.log2(m));
  while (2 ** k > m) k--;
  while (2 ** (k + 1) <= m) k++;
  return k;
}

/** Exponent of the power of two nearest to m > 0 in linear distance (ties to the smaller power). */
export function nearestPow2Exponent(m: number): number {
  const k = floorLog2(m);
  return m > 1.5 * 2 ** k ? k + 1 : k;
}

/** Largest exponent allowed by the options (maxC and maxExp), or +Infinity. */
export function maxExponentOf(opts: Pow2Options): number {
  let top = opts.maxExp ?? Infinity;
  if (opts.maxC !== undefined) top = Math.min(top, floorLog2(opts.maxC));
  return top;
}

/** Quantizes one value: 0 or sign(x) * 2^k per the rules above. */
export function quantizePow2(x: number, opts: Pow2Options): number {
  const m = Math.abs(x);
  if (m === 0 || m < opts.threshold) return 0;
  let k = nearestPow2Exponent(m);
  const top = maxExponentOf(opts);
  if (k > top) k = top;
  if (opts.minExp !== undefined && k < opts.minExp) {
    if (m <= 2 ** (opts.minExp - 1)) return 0;
    k = opts.minExp;
  }
  return x < 0 ? -(2 ** k) : 2 ** k;
}

/** sparsify_pow2 on a whole tensor (a new array, or `out` when given; `out` may alias `x`). */
export function sparsifyPow2(x: Float32Array, opts: Pow2Options, out?: Float32Array): Float32Array {
  const y = out ?? new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = quantizePow2(x[i]!, opts);
  return y;
}

/** True when x is 0 or +-2^k with k an integer (inside [minExp, maxExp] when given). */
export function isPow2OrZero(x: number, minExp = -Infinity, maxExp = Infinity): boolean {
  if (x === 0) return true;
  const m = Math.abs(x);
  if (!Number.isFinite(m)) return false;
  const k = floorLog2(m);
  return 2 ** k === m && k >= minExp && k <= maxExp;
}

/**
 * Ce code as stored by hardware: 1 sign bit above `expBits` field bits. Field 0 means zero; field
 * f in 1 .. 2^expBits - 1 means magnitude 2^(expBase + f - 1). So 3 field bits give 7 exponents and
 * a 4-bit code (two per byte); the pattern "sign 1, field 0" is never produced.
 */
export function codeWidth(expBits: number): number {
  return expBits + 1;
}

/** Number of distinct non-zero exponents a code of `expBits` field bits can hold. */
export function exponentCount(expBits: number): number {
  return 2 ** expBits - 1;
}

/** Encodes 0 or +-2^e (expBase <= e < expBase + exponentCount) as a code; throws on anything else. */
export function encodePow2(x: number, expBase: number, expBits: number): number {
  if (x === 0) return 0;
  const m = Math.abs(x);
  const e = floorLog2(m);
  const field = e - expBase + 1;
  if (2 ** e !== m || field < 1 || field > exponentCount(expBits)) {
    throw new RangeError(`cannot encode ${x} with expBase ${expBase} and ${expBits} exponent bits`);
  }
  return (x < 0 ? 1 << expBits : 0) | field;
}

/** Decodes a Ce code back to its value. */
export function decodePow2(code: number, expBase: number, expBits: number): number {
  const field = code & ((1 << expBits) - 1);
  if (field === 0) return 0;
  const m = 2 ** (expBase + field - 1);
  return code >> expBits ? -m : m;
}

/** The sign (+1/-1, 0 for zero) and left-shift amount (field - 1) the rebuild engine uses. */
export function codeShift(code: number, expBits: number): { sign: -1 | 0 | 1; shift: number } {
  const field = code & ((1 << expBits) - 1);
  if (field === 0) return { sign: 0, shift: 0 };
  return { sign: code >> expBits ? -1 : 1, shift: field - 1 };
}

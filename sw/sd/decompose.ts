/**
 * Post-training SmartDeal decomposition (SMARTDEAL.md section 3): each block A (rows x S) becomes
 * Ce * B with Ce sparse and power-of-two, by alternating least squares.
 *
 * Units: the layer is first divided by 2^p, p = floor(log2 max|W|), so its largest weight lies in
 * [1, 2). `threshold`, `rowThreshold` and `maxC` are in these units; Ce keeps them and B absorbs the
 * 2^p back (exact: a power of two). Each block's Ce uses a window of 2^expBits - 1 consecutive
 * exponents that ends at its largest entry; `expBase` is the window's lowest exponent.
 */
import { UserError } from '../../common/user-error.js';
import { type BlockLayout, type SdBlock, type SdLayer, type BlockOptions, cutBlocks, layoutFor } from './blocks.js';
import { fitBasis, fitCoefficients, residual2 } from './lstsq.js';
import { exponentCount, floorLog2, nearestPow2Exponent, quantizePow2 } from './pow2.js';
import { groupPrune } from './prune.js';

export interface DecomposeOptions extends BlockOptions {
  /** Ce entries with |x| below this (layer units) become 0. */
  threshold: number;
  /** Row-wise variant: rows whose L1 norm is below this become 0 (0 turns it off). */
  rowThreshold: number;
  /** Largest Ce magnitude (reference: 32). */
  maxC: number;
  /** Exponent field bits of a Ce code (3 -> 7 exponents per block). */
  expBits: number;
  /** Most alternating iterations (reference: 50). */
  iterations: number;
  /** Stop when the quantized Ce changes by at most this (Frobenius). */
  tolerance: number;
  /** Ridge added to the normal equations, relative to their mean diagonal. */
  ridge: number;
  /** Fraction of rows pruned per output group before decomposition (0 = none). */
  pruneFraction: number;
  /** Output channels per pruning group (reference: 32). */
  groupSize: number;
}

export const DEFAULT_DECOMPOSE_OPTIONS: DecomposeOptions = {
  basis: 3,
  blockRows: 192,
  threshold: 2 ** -4,
  rowThreshold: 0,
  maxC: 32,
  expBits: 3,
  iterations: 50,
  tolerance: 1e-9,
  ridge: 1e-9,
  pruneFraction: 0,
  groupSize: 32,
};

export interface BlockFit {
  ce: Float64Array;
  b: Float64Array;
  expBase: number;
  /** Squared Frobenius error of A - Ce B. */
  err2: number;
  iterations: number;
}

/**
 * Quantizes Ce to powers of two inside the block's exponent window; rows flagged in `zeroRows` are
 * forced to 0. Returns the quantized matrix and the window's lowest exponent.
 */
export function quantizeCeBlock(
  ce: ArrayLike<number>, rows: number, S: number, opts: Pick<DecomposeOptions, 'threshold' | 'maxC' | 'expBits'>, zeroRows?: Uint8Array,
): { q: Float64Array; expBase: number } {
  const base = { threshold: opts.threshold, maxC: opts.maxC };
  const top = floorLog2(opts.maxC);
  let eTop = -Infinity;
  for (let r = 0; r < rows; r++) {
    if (zeroRows?.[r]) continue;
    for (let j = 0; j < S; j++) {
      const m = Math.abs(ce[r * S + j]!);
      if (m > 0 && m >= opts.threshold) eTop = Math.max(eTop, Math.min(top, nearestPow2Exponent(m)));
    }
  }
  const q = new Float64Array(rows * S);
  if (eTop === -Infinity) return { q, expBase: 0 };
  const expBase = eTop - exponentCount(opts.expBits) + 1;
  const windowed = { ...base, minExp: expBase, maxExp: eTop };
  for (let r = 0; r < rows; r++) {
    if (zeroRows?.[r]) continue;
    for (let j = 0; j < S; j++) q[r * S + j] = quantizePow2(ce[r * S + j]!, windowed);
  }
  return { q, expBase };
}

/** Alternating minimisation on one block; returns the best (lowest error) quantized pair seen. */
export function decomposeBlock(a: Float64Array, rows: number, S: number, opts: DecomposeOptions, zeroRows?: Uint8Array): BlockFit {
  let best: BlockFit | null = null;
  const consider = (q: Float64Array, b: Float64Array, expBase: number, iterations: number): void => {
    const err2 = residual2(a, q, b, rows, S);
    if (best === null || err2 < best.err2) best = { ce: q, b, expBase, err2, iterations };
  };
  let ce: Float64Array = Float64Array.from(a);
  sparsifyRows(ce, rows, S, opts, zeroRows); // the start obeys the row rules too, so every candidate does
  let prev: Float64Array | null = null;
  let it = 0;
  for (; it < opts.iterations; it++) {
    const { q, expBase } = quantizeCeBlock(ce, rows, S, opts, zeroRows);
    if (prev !== null && frobDiff(q, prev) <= opts.tolerance) break;
    prev = q;
    const b = fitBasis(q, a, rows, S, opts.ridge);
    consider(q, b, expBase, it + 1);
    ce = fitCoefficients(a, b, rows, S, opts.ridge);
    sparsifyRows(ce, rows, S, opts, zeroRows);
  }
  const { q, expBase } = quantizeCeBlock(ce, rows, S, opts, zeroRows);
  consider(q, fitBasis(q, a, rows, S, opts.ridge), expBase, it);
  return best!;
}

/** Zeroes entries below the threshold, masked rows, and (row-wise variant) rows of small L1 norm. */
function sparsifyRows(ce: Float64Array, rows: number, S: number, opts: DecomposeOptions, zeroRows?: Uint8Array): void {
  for (let r = 0; r < rows; r++) {
    let l1 = 0;
    for (let j = 0; j < S; j++) {
      const v = ce[r * S + j]!;
      if (Math.abs(v) < opts.threshold) ce[r * S + j] = 0;
      else l1 += Math.abs(v);
    }
    if (zeroRows?.[r] || (opts.rowThreshold > 0 && l1 < opts.rowThreshold)) ce.fill(0, r * S, (r + 1) * S);
  }
}

function frobDiff(x: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i]! - y[i]!) ** 2;
  return Math.sqrt(s);
}

/** Checks option values a user can set, naming the bad one. */
export function validateDecomposeOptions(opts: DecomposeOptions): void {
  const positive = (name: string, v: number, integer = false): void => {
    if (!(v > 0) || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
      throw new UserError(`decompose: ${name} must be a positive ${integer ? 'integer' : 'number'}, got ${v}`);
    }
  };
  positive('max-C', opts.maxC);
  positive('exponent bits', opts.expBits, true);
  if (opts.expBits > 8) throw new UserError(`decompose: exponent bits must be at most 8, got ${opts.expBits}`);
  positive('iterations', opts.iterations, true);
  positive('group size', opts.groupSize, true);
  positive('block rows', opts.blockRows, true);
  if (!(opts.threshold >= 0)) throw new UserError(`decompose: threshold must be >= 0, got ${opts.threshold}`);
  if (!(opts.rowThreshold >= 0)) throw new UserError(`decompose: row threshold must be >= 0, got ${opts.rowThreshold}`);
  if (!(opts.pruneFraction >= 0 && opts.pruneFraction < 1)) throw new UserError(`decompose: prune fraction must be in [0, 1), got ${opts.pruneFraction}`);
  if (!(opts.tolerance >= 0) || !(opts.ridge >= 0)) throw new UserError('decompose: tolerance and ridge must be >= 0');
}

/**
 * Decomposes one weight tensor (layout [O][C][kh][kw] or [O][C]). Returns null for shapes that stay
 * dense. Group pruning (when pruneFraction > 0) runs first.
 */
export function decomposeLayer(name: string, weight: Float32Array, shape: readonly number[], options: Partial<DecomposeOptions> = {}): SdLayer | null {
  const opts = { ...DEFAULT_DECOMPOSE_OPTIONS, ...options };
  validateDecomposeOptions(opts);
  const layout: BlockLayout = layoutFor(shape, opts);
  if (layout.kind === 'dense') return null;
  const { weight: prunedW, pruned } = groupPrune(weight, layout, opts.groupSize, opts.pruneFraction);
  let maxAbs = 0;
  for (const v of prunedW) maxAbs = Math.max(maxAbs, Math.abs(v));
  const p = maxAbs > 0 ? floorLog2(maxAbs) : 0;
  const unit = 2 ** p;
  const S = layout.basis;
  const cut = cutBlocks(prunedW, layout);
  const blocks: SdBlock[][] = cut.map((outBlocks, o) => {
    const groupMask = pruned[Math.floor(o / opts.groupSize)]!;
    let r0 = 0;
    return outBlocks.map((blockW, bi) => {
      const rows = layout.blockSizes[bi]!;
      const a = blockW.map((v) => v / unit);
      const fit = decomposeBlock(a, rows, S, opts, groupMask.subarray(r0, r0 + rows));
      r0 += rows;
      const rowMask = new Uint8Array(rows);
      for (let r = 0; r < rows; r++) {
        for (let j = 0; j < S; j++) if (fit.ce[r * S + j] !== 0) rowMask[r] = 1;
      }
      return { rows, ce: Float32Array.from(fit.ce), b: Float32Array.from(fit.b, (v) => v * unit), rowMask, expBase: fit.expBase };
    });
  });
  return { name, layout, blocks, groupSize: opts.groupSize, groupPruned: pruned, expBits: opts.expBits };
}

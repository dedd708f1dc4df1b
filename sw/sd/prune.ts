/**
 * Structural group pruning (SMARTDEAL.md section 3): output channels are grouped G at a time; every
 * matrix row (for a 3x3 conv, an (input channel, kernel row) pair) is scored by the sum of |w| over
 * the group's outputs and the row's S columns; the lowest-scoring fraction of rows is zeroed for the
 * whole group, so hardware can skip those rows for all the group's outputs at once.
 */
import { UserError } from '../../common/user-error.js';
import { type BlockLayout, tensorIndex } from './blocks.js';

export interface PruneResult {
  /** The weight with pruned rows zeroed (a copy). */
  weight: Float32Array;
  /** pruned[g][r] = 1 when row r is zero for every output of group g. */
  pruned: Uint8Array[];
}

/** Number of groups of `groupSize` output channels (the last may be smaller). */
export function groupCount(outChannels: number, groupSize: number): number {
  return Math.ceil(outChannels / groupSize);
}

/** Zeroes the lowest-scoring floor(fraction * rows) rows per group; ties prune the lower row index first. */
export function groupPrune(w: Float32Array, layout: BlockLayout, groupSize: number, fraction: number): PruneResult {
  if (!Number.isInteger(groupSize) || groupSize < 1) throw new UserError(`group pruning: group size must be a positive integer, got ${groupSize}`);
  if (!(fraction >= 0 && fraction < 1)) throw new UserError(`group pruning: fraction must be in [0, 1), got ${fraction}`);
  const R = layout.rowsPerOutput;
  const S = layout.basis;
  const weight = Float32Array.from(w);
  const pruned: Uint8Array[] = [];
  const toPrune = Math.floor(fraction * R);
  for (let g = 0; g < groupCount(layout.outChannels, groupSize); g++) {
    const o0 = g * groupSize;
    const o1 = Math.min(layout.outChannels, o0 + groupSize);
    const score = new Float64Array(R);
    for (let o = o0; o < o1; o++) {
      for (let r = 0; r < R; r++) {
        for (let j = 0; j < S; j++) {
          const t = tensorIndex(layout, o, r, j);
          if (t >= 0) score[r] += Math.abs(w[t]!);
        }
      }
    }
    const order = Array.from({ length: R }, (_, r) => r).sort((x, y) => score[x]! - score[y]! || x - y);
    const mask = new Uint8Array(R);
    for (let i = 0; i < toPrune; i++) mask[order[i]!] = 1;
    for (let o = o0; o < o1; o++) {
      for (let r = 0; r < R; r++) {
        if (!mask[r]) continue;
        for (let j = 0; j < S; j++) {
          const t = tensorIndex(layout, o, r, j);
          if (t >= 0) weight[t] = 0;
        }
      }
    }
    pruned.push(mask);
  }
  return { weight, pruned };
}

/**
 * SmartDeal layers in integer form and the rebuild engine's arithmetic: int8 weights come from Ce
 * codes and an int8 B with shifts and adds only, then one rounding right shift per block.
 *
 * For block (o, b) with Ce entries sign * 2^(expBase + f - 1) (code field f) and float B:
 *   Bq[k][j] = clamp(round(B[k][j] * 2^(expBase + R) / s_w[o]), -127, 127)
 *   t[r][j]  = sum_k sign_k * (Bq[k][j] << (f_k - 1))          (a 16-bit sum for 3 exponent bits)
 *   w8[r][j] = clamp(roundShift(t[r][j], R), -128, 127)
 * so w8 ~= (Ce B)[r][j] / s_w[o]. R (0..15) is the block's rebuild shift, the largest that keeps
 * |Bq| <= 127: small blocks keep 8 bits of B precision instead of inheriting the layer's range.
 */
import { type BlockLayout, type SdLayer, tensorIndex, tensorSize } from '../sd/blocks.js';
import { codeShift, encodePow2 } from '../sd/pow2.js';
import { roundShift, saturate8 } from './fixed-point.js';

export const MAX_BLOCK_SHIFT = 15;

export interface IntSdBlock {
  rows: number;
  /** Ce codes, rows x S: sign bit above expBits field bits (field 0 = zero). */
  codes: number[];
  /** B in int8, S x S. */
  bq: number[];
  /** Rebuild right shift R. */
  shift: number;
  /** 1 where the row holds a non-zero code. */
  rowMask: number[];
}

export interface IntSdWeights {
  layout: BlockLayout;
  expBits: number;
  groupSize: number;
  /** groupPruned[g][r] = 1 when row r is pruned for output group g. */
  groupPruned: number[][];
  /** blocks[o][b] */
  blocks: IntSdBlock[][];
  /** B entries that had to saturate at +-127 (0 in a healthy model). */
  bSaturations: number;
}

/** Quantizes a decomposed layer against per-output weight scales s_w[o]. */
export function quantizeSdLayer(layer: SdLayer, weightScale: ArrayLike<number>): IntSdWeights {
  let bSaturations = 0;
  const blocks = layer.blocks.map((outBlocks, o) => outBlocks.map((blk): IntSdBlock => {
    const sw = weightScale[o]!;
    let maxB = 0;
    for (const v of blk.b) maxB = Math.max(maxB, Math.abs(v));
    const base = maxB * 2 ** blk.expBase / sw;
    let shift = 0;
    while (shift < MAX_BLOCK_SHIFT && Math.round(base * 2 ** (shift + 1)) <= 127) shift++;
    const bq = Array.from(blk.b, (v) => {
      const q = Math.round(v * 2 ** (blk.expBase + shift) / sw);
      if (Math.abs(q) > 127) bSaturations++;
      return Math.max(-127, Math.min(127, q));
    });
    const codes = Array.from(blk.ce, (v) => encodePow2(v, blk.expBase, layer.expBits));
    return { rows: blk.rows, codes, bq, shift, rowMask: Array.from(blk.rowMask) };
  }));
  return {
    layout: layer.layout,
    expBits: layer.expBits,
    groupSize: layer.groupSize,
    groupPruned: layer.groupPruned.map((m) => Array.from(m)),
    blocks,
    bSaturations,
  };
}

/** The rebuild engine on one block: int8 weights, rows x S (shifts, adds, one rounding shift). */
export function rebuildBlock(blk: IntSdBlock, S: number, expBits: number): number[] {
  const w = new Array<number>(blk.rows * S).fill(0);
  for (let r = 0; r < blk.rows; r++) {
    if (!blk.rowMask[r]) continue; // an unstored row rebuilds to zero without work
    for (let j = 0; j < S; j++) {
      let t = 0;
      for (let k = 0; k < S; k++) {
        const { sign, shift } = codeShift(blk.codes[r * S + k]!, expBits);
        if (sign !== 0) t += sign * (blk.bq[k * S + j]! * 2 ** shift);
      }
      w[r * S + j] = saturate8(roundShift(t, blk.shift));
    }
  }
  return w;
}

/** All int8 weights of an SD layer in tensor layout ([O][C][kh][kw] or [O][C]); padding cells dropped. */
export function rebuildSdWeights(sd: IntSdWeights): number[] {
  const { layout } = sd;
  const S = layout.basis;
  const w = new Array<number>(tensorSize(layout.shape)).fill(0);
  sd.blocks.forEach((outBlocks, o) => {
    let r0 = 0;
    for (const blk of outBlocks) {
      const wb = rebuildBlock(blk, S, sd.expBits);
      for (let r = 0; r < blk.rows; r++) {
        for (let j = 0; j < S; j++) {
          const t = tensorIndex(layout, o, r0 + r, j);
          if (t >= 0) w[t] = wb[r * S + j]!;
        }
      }
      r0 += blk.rows;
    }
  });
  return w;
}

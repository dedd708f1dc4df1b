/**
 * Storage accounting of a SmartDeal layer against dense int8, and the quality figures the
 * `decompose` report prints. The storage format counted here (docs/sw-compression.md):
 * - Ce: only non-zero rows are stored, S codes of (1 + expBits) bits each;
 * - row index, two levels: per pruning group a keep mask of rowsPerOutput bits, then per output
 *   channel one bit for each row its group keeps (1 = the row is non-zero and stored);
 * - B: S*S int8 values per block that has a stored row;
 * - a per-block rebuild shift: one byte per block that has a stored row.
 * Biases are not counted (they are the same int32 values in both formats).
 */
import { type SdLayer, reconstructLayer, tensorSize } from './blocks.js';
import { codeWidth, floorLog2 } from './pow2.js';

export const B_BITS = 8;
export const BLOCK_SHIFT_BITS = 8;
export const DENSE_WEIGHT_BITS = 8;

export interface StorageBits {
  ceBits: number;
  indexBits: number;
  basisBits: number;
  scaleBits: number;
  totalBits: number;
  denseInt8Bits: number;
  /** dense int8 bits / SD bits. */
  ratio: number;
}

export function storageBits(layer: SdLayer): StorageBits {
  const { layout } = layer;
  const S = layout.basis;
  const R = layout.rowsPerOutput;
  let ceBits = 0;
  let indexBits = layer.groupPruned.length * R;
  let basisBits = 0;
  let scaleBits = 0;
  layer.blocks.forEach((outBlocks, o) => {
    const groupMask = layer.groupPruned[Math.floor(o / layer.groupSize)]!;
    indexBits += R - groupMask.reduce((a, v) => a + v, 0);
    for (const blk of outBlocks) {
      const stored = blk.rowMask.reduce((a, v) => a + v, 0);
      ceBits += stored * S * codeWidth(layer.expBits);
      if (stored > 0) {
        basisBits += S * S * B_BITS;
        scaleBits += BLOCK_SHIFT_BITS;
      }
    }
  });
  const totalBits = ceBits + indexBits + basisBits + scaleBits;
  const denseInt8Bits = tensorSize(layout.shape) * DENSE_WEIGHT_BITS;
  return { ceBits, indexBits, basisBits, scaleBits, totalBits, denseInt8Bits, ratio: denseInt8Bits / Math.max(1, totalBits) };
}

export interface LayerQuality {
  /** ||W - Ce B||_F / ||W||_F against the weight before pruning. */
  relError: number;
  /** Non-zero Ce entries / all Ce entries (outputs x rows x S). */
  ceDensity: number;
  /** Rows that are entirely zero (pruned or decomposed to zero) / all rows. */
  zeroRowFraction: number;
  /** Structurally pruned rows / all rows. */
  prunedRowFraction: number;
  /** Smallest and largest Ce exponent used anywhere in the layer (layer units). */
  expMin: number | null;
  expMax: number | null;
  /** Largest exponent span inside one block (fits the code when < 2^expBits - 1). */
  maxBlockSpan: number;
}

export function layerQuality(layer: SdLayer, original: Float32Array): LayerQuality {
  const rebuilt = reconstructLayer(layer);
  let num = 0;
  let den = 0;
  for (let i = 0; i < original.length; i++) {
    num += (original[i]! - rebuilt[i]!) ** 2;
    den += original[i]! ** 2;
  }
  const S = layer.layout.basis;
  let nonZero = 0;
  let zeroRows = 0;
  let expMin = Infinity;
  let expMax = -Infinity;
  let maxBlockSpan = 0;
  for (const outBlocks of layer.blocks) {
    for (const blk of outBlocks) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let r = 0; r < blk.rows; r++) {
        if (!blk.rowMask[r]) zeroRows++;
        for (let j = 0; j < S; j++) {
          const v = blk.ce[r * S + j]!;
          if (v === 0) continue;
          nonZero++;
          const e = floorLog2(Math.abs(v));
          lo = Math.min(lo, e);
          hi = Math.max(hi, e);
        }
      }
      if (hi >= lo) {
        expMin = Math.min(expMin, lo);
        expMax = Math.max(expMax, hi);
        maxBlockSpan = Math.max(maxBlockSpan, hi - lo + 1);
      }
    }
  }
  const allRows = layer.layout.outChannels * layer.layout.rowsPerOutput;
  let prunedRows = 0;
  layer.groupPruned.forEach((mask, g) => {
    const outputs = Math.min(layer.groupSize, layer.layout.outChannels - g * layer.groupSize);
    prunedRows += outputs * mask.reduce((a, v) => a + v, 0);
  });
  return {
    relError: den > 0 ? Math.sqrt(num / den) : Math.sqrt(num),
    ceDensity: nonZero / Math.max(1, allRows * S),
    zeroRowFraction: zeroRows / Math.max(1, allRows),
    prunedRowFraction: prunedRows / Math.max(1, allRows),
    expMin: expMax >= expMin ? expMin : null,
    expMax: expMax >= expMin ? expMax : null,
    maxBlockSpan,
  };
}

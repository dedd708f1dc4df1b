/**
 * The SD weight op: W = (sparsify_pow2(C) * mask) x B per block, scattered into the dense weight
 * tensor of a conv or linear layer through the sw/sd block layout.
 *
 * C is stored as one tensor [O * R, S] (R = rows per output channel; output-major, the blocks of an
 * output one after another, as sw/sd/blocks.ts cuts them); B as [blocks, S, S] in the same block
 * order. The quantizer's gradient is passed straight through (dW/dC as if sparsify_pow2 were the
 * identity), masked so pruned entries get none.
 */
import { type BlockLayout, tensorIndex, tensorSize } from '../sd/blocks.js';
import { quantizePow2, type Pow2Options } from '../sd/pow2.js';
import { record, Tensor } from '../tensor/tensor.js';

export interface SdGeometry {
  layout: BlockLayout;
  /** Per block (output-major): first C row, row count, quantizer window. */
  blockRow: Int32Array;
  blockRows: Int32Array;
  quant: Pow2Options[];
  /** Dense tensor index of every C cell (-1 for the zero padding of the rows layout). */
  dst: Int32Array;
}

export function sdGeometry(layout: BlockLayout, quant: Pow2Options[]): SdGeometry {
  const S = layout.basis, R = layout.rowsPerOutput;
  const n = layout.outChannels * layout.blockSizes.length;
  if (quant.length !== n) throw new Error(`sdGeometry: ${quant.length} quantizer windows for ${n} blocks`);
  const blockRow = new Int32Array(n), blockRows = new Int32Array(n);
  let k = 0;
  for (let o = 0; o < layout.outChannels; o++) {
    let r0 = 0;
    for (const rows of layout.blockSizes) {
      blockRow[k] = o * R + r0;
      blockRows[k++] = rows;
      r0 += rows;
    }
  }
  const dst = new Int32Array(layout.outChannels * R * S);
  for (let o = 0; o < layout.outChannels; o++) {
    for (let r = 0; r < R; r++) for (let j = 0; j < S; j++) dst[(o * R + r) * S + j] = tensorIndex(layout, o, r, j);
  }
  return { layout, blockRow, blockRows, quant, dst };
}

/** Quantized, masked C (the Ce the hardware stores). */
export function quantizedC(c: Float32Array, mask: Uint8Array, g: SdGeometry, quantize = true): Float32Array {
  const S = g.layout.basis;
  const q = new Float32Array(c.length);
  for (let k = 0; k < g.blockRow.length; k++) {
    const start = g.blockRow[k]! * S, end = start + g.blockRows[k]! * S;
    const opts = g.quant[k]!;
    for (let i = start; i < end; i++) if (mask[i]) q[i] = quantize ? quantizePow2(c[i]!, opts) : c[i]!;
  }
  return q;
}

/**
 * The dense weight from C and B. `quantize: false` skips the quantizer (the function whose
 * gradient the straight-through estimator uses; tests compare against it).
 */
export function sdWeight(c: Tensor, b: Tensor, mask: Uint8Array, g: SdGeometry, quantize = true): Tensor {
  const S = g.layout.basis;
  const q = quantizedC(c.data, mask, g, quantize);
  const w = new Float32Array(tensorSize(g.layout.shape));
  for (let k = 0; k < g.blockRow.length; k++) {
    const r0 = g.blockRow[k]!, rows = g.blockRows[k]!, bk = k * S * S;
    for (let r = r0; r < r0 + rows; r++) {
      for (let jj = 0; jj < S; jj++) {
        const t = g.dst[r * S + jj]!;
        if (t < 0) continue;
        let s = 0;
        for (let j = 0; j < S; j++) s += q[r * S + j]! * b.data[bk + j * S + jj]!;
        w[t] = s;
      }
    }
  }
  const out = new Tensor(w, g.layout.shape);
  return record(out, [c, b], () => {
    const gw = out.grad!;
    const gc = c.requiresGrad ? c.gradBuffer() : null;
    const gb = b.requiresGrad ? b.gradBuffer() : null;
    for (let k = 0; k < g.blockRow.length; k++) {
      const r0 = g.blockRow[k]!, rows = g.blockRows[k]!, bk = k * S * S;
      for (let r = r0; r < r0 + rows; r++) {
        for (let jj = 0; jj < S; jj++) {
          const t = g.dst[r * S + jj]!;
          if (t < 0) continue;
          const gv = gw[t]!;
          if (gv === 0) continue;
          for (let j = 0; j < S; j++) {
            if (gb) gb[bk + j * S + jj] += q[r * S + j]! * gv;
            if (gc && mask[r * S + j]) gc[r * S + j] += b.data[bk + j * S + jj]! * gv;
          }
        }
      }
    }
  });
}

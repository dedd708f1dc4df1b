/**
 * The SmartDeal block layout (SMARTDEAL.md section 2): how a weight tensor is viewed as per-output-
 * channel matrices of S columns, cut into row blocks, and put back together.
 *
 * - conv 3x3, W[o][c][kh][kw]: output channel o is a matrix of C*3 rows, row r = c*3 + kh, column kw.
 * - conv 1x1 [O][C][1][1] and linear [O][C]: the row of C inputs is zero-padded to a multiple of S and
 *   reshaped to ceil(C/S) x S: input i sits at row floor(i/S), column i % S.
 * - any other shape stays dense (no blocks).
 * Rows of one output channel are cut into blocks of `blockRows` rows (the last block may be shorter).
 */
import { UserError } from '../../common/user-error.js';

export type LayoutKind = 'conv3x3' | 'rows' | 'dense';

export interface BlockOptions {
  /** Basis size S (columns of Ce, side of B). Must be 3 for a 3x3 conv. */
  basis: number;
  /** Rows per block; 192 = 64 input channels of a 3x3 conv. */
  blockRows: number;
}

export const DEFAULT_BLOCK_OPTIONS: BlockOptions = { basis: 3, blockRows: 192 };

export interface BlockLayout {
  kind: LayoutKind;
  /** Tensor shape as given ([O][C][kh][kw] or [O][C]). */
  shape: number[];
  basis: number;
  outChannels: number;
  /** Input channels (C). */
  inChannels: number;
  /** Matrix rows per output channel (C*3 for conv3x3, ceil(C/S) for rows); 0 for dense. */
  rowsPerOutput: number;
  blockRows: number;
  /** Row count of each block of one output channel (all outputs share the same cut). */
  blockSizes: number[];
}

/** One decomposed block: W_block ~= Ce * B. */
export interface SdBlock {
  /** Rows of this block. */
  rows: number;
  /** Ce, rows x S row-major; each entry 0 or +-2^e with expBase <= e < expBase + exponent count. */
  ce: Float32Array;
  /** B, S x S row-major (float; quantized to int8 by sw/quant). */
  b: Float32Array;
  /** 1 where the Ce row has a non-zero entry (the row index the hardware stores). */
  rowMask: Uint8Array;
  /** Exponent of Ce code field 1 for this block (the block's power-of-two scale). */
  expBase: number;
}

/** One layer in SmartDeal form. */
export interface SdLayer {
  name: string;
  layout: BlockLayout;
  /** blocks[o][b] */
  blocks: SdBlock[][];
  /** Output channels per pruning group (G); rows pruned for a group are zero for all its outputs. */
  groupSize: number;
  /** groupPruned[g][r] = 1 when matrix row r is structurally pruned for group g (rowsPerOutput long). */
  groupPruned: Uint8Array[];
  /** Exponent field bits of the Ce codes. */
  expBits: number;
}

/** Chooses the layout for a weight shape. */
export function layoutFor(shape: readonly number[], opts: BlockOptions = DEFAULT_BLOCK_OPTIONS): BlockLayout {
  const { basis, blockRows } = opts;
  if (!Number.isInteger(basis) || basis < 1) throw new UserError(`block layout: basis size must be a positive integer, got ${basis}`);
  if (!Number.isInteger(blockRows) || blockRows < 1) throw new UserError(`block layout: rows per block must be a positive integer, got ${blockRows}`);
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 1) throw new UserError(`block layout: shape [${shape.join(', ')}] has a non-positive dimension`);
  }
  const outChannels = shape[0] ?? 0;
  const inChannels = shape[1] ?? 0;
  let kind: LayoutKind = 'dense';
  let rowsPerOutput = 0;
  if (shape.length === 4 && shape[2] === 3 && shape[3] === 3) {
    if (basis !== 3) throw new UserError(`block layout: a 3x3 conv needs basis size 3 (its kernel width), got ${basis}`);
    kind = 'conv3x3';
    rowsPerOutput = inChannels * 3;
  } else if (shape.length === 2 || (shape.length === 4 && shape[2] === 1 && shape[3] === 1)) {
    kind = 'rows';
    rowsPerOutput = Math.ceil(inChannels / basis);
  }
  const blockSizes: number[] = [];
  for (let r = 0; r < rowsPerOutput; r += blockRows) blockSizes.push(Math.min(blockRows, rowsPerOutput - r));
  return { kind, shape: [...shape], basis, outChannels, inChannels, rowsPerOutput, blockRows, blockSizes };
}

/** Elements of the tensor. */
export function tensorSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Flat tensor index of (output o, matrix row r, column j), or -1 for a padding cell (rows layout,
 * input index >= C).
 */
export function tensorIndex(layout: BlockLayout, o: number, r: number, j: number): number {
  const S = layout.basis;
  const C = layout.inChannels;
  if (layout.kind === 'conv3x3') {
    const c = Math.floor(r / 3);
    const kh = r % 3;
    return ((o * C + c) * 3 + kh) * 3 + j;
  }
  if (layout.kind === 'rows') {
    const i = r * S + j;
    return i < C ? o * C + i : -1;
  }
  throw new Error('tensorIndex: dense layout has no matrix view');
}

/** The rowsPerOutput x S matrix of output channel o (Float64, padding cells 0). */
export function outputMatrix(w: Float32Array, layout: BlockLayout, o: number): Float64Array {
  const S = layout.basis;
  const m = new Float64Array(layout.rowsPerOutput * S);
  for (let r = 0; r < layout.rowsPerOutput; r++) {
    for (let j = 0; j < S; j++) {
      const t = tensorIndex(layout, o, r, j);
      if (t >= 0) m[r * S + j] = w[t]!;
    }
  }
  return m;
}

function checkTensor(w: Float32Array, layout: BlockLayout): void {
  if (layout.kind === 'dense') throw new UserError(`block layout: shape [${layout.shape.join(', ')}] stays dense and has no blocks`);
  const n = tensorSize(layout.shape);
  if (w.length !== n) throw new UserError(`block layout: tensor has ${w.length} values, shape [${layout.shape.join(', ')}] needs ${n}`);
}

/** Cuts a tensor into blocks: result[o][b] is a (blockSizes[b] x S) row-major Float64 matrix. */
export function cutBlocks(w: Float32Array, layout: BlockLayout): Float64Array[][] {
  checkTensor(w, layout);
  const S = layout.basis;
  const out: Float64Array[][] = [];
  for (let o = 0; o < layout.outChannels; o++) {
    const m = outputMatrix(w, layout, o);
    const blocks: Float64Array[] = [];
    let r0 = 0;
    for (const rows of layout.blockSizes) {
      blocks.push(m.slice(r0 * S, (r0 + rows) * S));
      r0 += rows;
    }
    out.push(blocks);
  }
  return out;
}

/** Puts blocks back into a tensor (padding cells of the rows layout are dropped). */
export function joinBlocks(blocks: ArrayLike<number>[][], layout: BlockLayout): Float32Array {
  if (layout.kind === 'dense') throw new UserError(`block layout: shape [${layout.shape.join(', ')}] stays dense and has no blocks`);
  const S = layout.basis;
  const w = new Float32Array(tensorSize(layout.shape));
  if (blocks.length !== layout.outChannels) throw new Error(`joinBlocks: ${blocks.length} output channels, layout has ${layout.outChannels}`);
  for (let o = 0; o < layout.outChannels; o++) {
    const ob = blocks[o]!;
    if (ob.length !== layout.blockSizes.length) throw new Error(`joinBlocks: output ${o} has ${ob.length} blocks, layout has ${layout.blockSizes.length}`);
    let r0 = 0;
    layout.blockSizes.forEach((rows, b) => {
      const m = ob[b]!;
      if (m.length !== rows * S) throw new Error(`joinBlocks: block [${o}][${b}] has ${m.length} values, expected ${rows * S}`);
      for (let r = 0; r < rows; r++) {
        for (let j = 0; j < S; j++) {
          const t = tensorIndex(layout, o, r0 + r, j);
          if (t >= 0) w[t] = m[r * S + j]!;
        }
      }
      r0 += rows;
    });
  }
  return w;
}

/** Ce (rows x S) times B (S x S), row-major Float64. */
export function blockProduct(ce: ArrayLike<number>, b: ArrayLike<number>, rows: number, S: number): Float64Array {
  const w = new Float64Array(rows * S);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < S; j++) {
      let s = 0;
      for (let k = 0; k < S; k++) s += ce[r * S + k]! * b[k * S + j]!;
      w[r * S + j] = s;
    }
  }
  return w;
}

/** The float weight tensor an SdLayer stands for (Ce * B per block, reassembled). */
export function reconstructLayer(layer: SdLayer): Float32Array {
  const S = layer.layout.basis;
  const blocks = layer.blocks.map((ob) => ob.map((blk) => blockProduct(blk.ce, blk.b, blk.rows, S)));
  return joinBlocks(blocks, layer.layout);
}

/** Group index of output channel o. */
export function groupOf(layer: Pick<SdLayer, 'groupSize'>, o: number): number {
  return Math.floor(o / layer.groupSize);
}

/**
 * The per-tensor decomposition report written by `smartdeal decompose`: it decomposes each weight
 * tensor and gathers quality and storage figures into one JSON-serialisable object.
 */
import { UserError } from '../../common/user-error.js';
import { tensorSize, type SdLayer } from './blocks.js';
import { type DecomposeOptions, decomposeLayer } from './decompose.js';
import { exponentCount } from './pow2.js';
import { DENSE_WEIGHT_BITS, layerQuality, storageBits, type LayerQuality, type StorageBits } from './storage.js';

export interface TensorInput {
  /** Where the tensor came from (a file path), used in messages. */
  source: string;
  name: string;
  shape: number[];
  weight: Float32Array;
}

export interface TensorReport {
  source: string;
  name: string;
  shape: number[];
  kind: 'conv3x3' | 'rows' | 'dense';
  pruneFraction: number;
  quality: LayerQuality | null;
  /** Exponents a Ce code can hold per block (2^expBits - 1). */
  codeExponents: number;
  storage: StorageBits;
}

export interface DecomposeReport {
  options: DecomposeOptions;
  tensors: TensorReport[];
  total: { sdBits: number; denseInt8Bits: number; ratio: number };
}

/** Checks that a tensor is a linear [out][in] or conv [O][C][kh][kw] weight. */
export function checkWeightShape(t: Pick<TensorInput, 'source' | 'shape'>): void {
  if (t.shape.length !== 2 && t.shape.length !== 4) {
    throw new UserError(`${t.source}: expected a 2-D linear weight [out][in] or a 4-D conv weight [O][C][kh][kw], found shape (${t.shape.join(', ')})`);
  }
  if (tensorSize(t.shape) === 0) throw new UserError(`${t.source}: weight tensor of shape (${t.shape.join(', ')}) is empty`);
}

/** Decomposes one tensor and reports on it; `pruneFraction` applies to this tensor. */
export function reportTensor(t: TensorInput, opts: DecomposeOptions, pruneFraction: number): { report: TensorReport; layer: SdLayer | null } {
  checkWeightShape(t);
  const layer = decomposeLayer(t.name, t.weight, t.shape, { ...opts, pruneFraction });
  const dense = tensorSize(t.shape) * DENSE_WEIGHT_BITS;
  const storage: StorageBits = layer
    ? storageBits(layer)
    : { ceBits: 0, indexBits: 0, basisBits: 0, scaleBits: 0, totalBits: dense, denseInt8Bits: dense, ratio: 1 };
  return {
    layer,
    report: {
      source: t.source,
      name: t.name,
      shape: t.shape,
      kind: layer ? layer.layout.kind : 'dense',
      pruneFraction: layer ? pruneFraction : 0,
      quality: layer ? layerQuality(layer, t.weight) : null,
      codeExponents: exponentCount(opts.expBits),
      storage,
    },
  };
}

/** Sums storage over tensors. */
export function totals(tensors: TensorReport[]): DecomposeReport['total'] {
  const sdBits = tensors.reduce((a, t) => a + t.storage.totalBits, 0);
  const denseInt8Bits = tensors.reduce((a, t) => a + t.storage.denseInt8Bits, 0);
  return { sdBits, denseInt8Bits, ratio: denseInt8Bits / Math.max(1, sdBits) };
}

/** One line per tensor for the terminal. */
export function formatReportLine(t: TensorReport): string {
  const q = t.quality;
  const shape = `(${t.shape.join(',')})`;
  if (!q) return `${t.name} ${shape}: dense (kept as int8)`;
  return `${t.name} ${shape} ${t.kind}: rel.err ${q.relError.toFixed(4)}, Ce density ${q.ceDensity.toFixed(3)}, ` +
    `zero rows ${(100 * q.zeroRowFraction).toFixed(1)}%, exponents ${q.expMin}..${q.expMax} (block span <= ${q.maxBlockSpan}/${t.codeExponents}), ` +
    `${t.storage.totalBits} bits vs ${t.storage.denseInt8Bits} int8 = ${t.storage.ratio.toFixed(2)}x`;
}

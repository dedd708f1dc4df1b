/**
 * The integer model: everything the engine needs to run a network with integer arithmetic only, as
 * a plain JSON-serialisable object. It is the single source for the packer of memory images and the
 * golden model; floats in it (scales) are informational and never used by integer inference.
 */
import type { ModelSpec } from '../model/spec.js';
import type { IntSdWeights } from './sd-weights.js';

/** Fields shared by conv and linear layers (the multiply-accumulate layers). */
export interface IntMacFields {
  name: string;
  /** Input activation scale and zero point (real = scale * (q - zeroPoint)). */
  inScale: number;
  inZero: number;
  /** Output activation scale and zero point; for the final layer: the accumulator scale and 0. */
  outScale: number;
  outZero: number;
  /** Weight scale per output channel (all equal for per-layer scaling). */
  weightScale: number[];
  /** int8 weights, [O][C][kh][kw] or [O][I]; for SD layers the rebuild engine's output. */
  weights: number[];
  /** int32 bias with the input zero point folded in: round(b / (s_in s_w)) - z_in * sum(w8). */
  bias: number[];
  /** Requantization multiplier M and right shift per output channel (empty for the final layer). */
  multiplier: number[];
  shift: number[];
  /** Lower clamp of the requantized output: outZero when ReLU is folded in, else -128. */
  clampLo: number;
  relu: boolean;
  /** The classifier: no requantization, its int32 accumulators are the logits. */
  final: boolean;
  /** Worst case |acc| over all inputs: max over outputs of |bias| + 128 * sum |w8|. */
  accBound: number;
  /** Present when the weights come from a SmartDeal decomposition. */
  sd?: IntSdWeights;
}

export interface IntConvLayer extends IntMacFields {
  kind: 'conv';
  inChannels: number;
  outChannels: number;
  kernel: 1 | 3;
  stride: number;
  padding: number;
}

export interface IntLinearLayer extends IntMacFields {
  kind: 'linear';
  inFeatures: number;
  outFeatures: number;
}

export type IntLayer =
  | IntConvLayer
  | IntLinearLayer
  | { kind: 'maxpool2' }
  /** A ReLU that could not be folded: max(q, zeroPoint). */
  | { kind: 'relu'; zeroPoint: number }
  | { kind: 'flatten' };

export interface IntModel {
  format: 'smartdeal-int-model';
  version: 1;
  spec: ModelSpec;
  /** Input image: q = pixel - 128, scale 1/255, zero point -128. */
  input: { scale: number; zeroPoint: number };
  /** Width of the unsigned requantization multipliers. */
  multiplierBits: number;
  /** The layers the engine runs, in order: the spec's layers minus every ReLU folded into a requantization. */
  layers: IntLayer[];
}

export function isMacLayer(l: IntLayer): l is IntConvLayer | IntLinearLayer {
  return l.kind === 'conv' || l.kind === 'linear';
}

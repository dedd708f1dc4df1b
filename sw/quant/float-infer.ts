/**
 * Plain float inference of a FloatModel, one image at a time (no autograd): the reference the
 * integer model is calibrated against and compared with. Input: pixels / 255 in [0, 1], [C][H][W].
 */
import { UserError } from '../../common/user-error.js';
import type { FloatModel, LayerSpec } from '../model/spec.js';

/** Shape of one activation: [channels, height, width], or [features, 1, 1] after flatten. */
export type ActShape = [number, number, number];

/** Called after every layer with its output (do not keep the array; it may be reused). */
export type LayerObserver = (index: number, layer: LayerSpec, output: Float32Array, shape: ActShape) => void;

export function convOutSize(size: number, kernel: number, stride: number, padding: number): number {
  return Math.floor((size + 2 * padding - kernel) / stride) + 1;
}

function convFloat(x: Float32Array, [C, H, W]: ActShape, l: Extract<LayerSpec, { kind: 'conv' }>, w: Float32Array, b: Float32Array): { y: Float32Array; shape: ActShape } {
  const K = l.kernel;
  const Ho = convOutSize(H, K, l.stride, l.padding);
  const Wo = convOutSize(W, K, l.stride, l.padding);
  const O = l.outChannels;
  const y = new Float32Array(O * Ho * Wo);
  for (let o = 0; o < O; o++) {
    for (let oy = 0; oy < Ho; oy++) {
      for (let ox = 0; ox < Wo; ox++) {
        let s = b[o]!;
        for (let c = 0; c < C; c++) {
          for (let kh = 0; kh < K; kh++) {
            const iy = oy * l.stride + kh - l.padding;
            if (iy < 0 || iy >= H) continue;
            for (let kw = 0; kw < K; kw++) {
              const ix = ox * l.stride + kw - l.padding;
              if (ix < 0 || ix >= W) continue;
              s += x[(c * H + iy) * W + ix]! * w[((o * C + c) * K + kh) * K + kw]!;
            }
          }
        }
        y[(o * Ho + oy) * Wo + ox] = s;
      }
    }
  }
  return { y, shape: [O, Ho, Wo] };
}

function linearFloat(x: Float32Array, l: Extract<LayerSpec, { kind: 'linear' }>, w: Float32Array, b: Float32Array): Float32Array {
  const y = new Float32Array(l.outFeatures);
  for (let o = 0; o < l.outFeatures; o++) {
    let s = b[o]!;
    const row = o * l.inFeatures;
    for (let i = 0; i < l.inFeatures; i++) s += x[i]! * w[row + i]!;
    y[o] = s;
  }
  return y;
}

/** 2x2 max-pool with stride 2 (odd edges dropped), generic over the element array type. */
export function maxPool2<T extends Float32Array | Int8Array>(x: T, [C, H, W]: ActShape, make: (n: number) => T): { y: T; shape: ActShape } {
  const Ho = H >> 1;
  const Wo = W >> 1;
  const y = make(C * Ho * Wo);
  for (let c = 0; c < C; c++) {
    for (let oy = 0; oy < Ho; oy++) {
      for (let ox = 0; ox < Wo; ox++) {
        const at = (c * H + 2 * oy) * W + 2 * ox;
        y[(c * Ho + oy) * Wo + ox] = Math.max(x[at]!, x[at + 1]!, x[at + W]!, x[at + W + 1]!);
      }
    }
  }
  return { y, shape: [C, Ho, Wo] };
}

/** Parameters of a named layer, with a clear error when the model lacks them. */
export function layerParams(model: FloatModel, name: string, weightCount: number, biasCount: number): { weight: Float32Array; bias: Float32Array } {
  const p = model.params[name];
  if (!p) throw new UserError(`model: no parameters for layer "${name}"`);
  if (p.weight.length !== weightCount) throw new UserError(`model: layer "${name}" weight has ${p.weight.length} values, expected ${weightCount}`);
  if (p.bias.length !== biasCount) throw new UserError(`model: layer "${name}" bias has ${p.bias.length} values, expected ${biasCount}`);
  return p;
}

/** Runs the model on one image (values in [0, 1]) and returns the logits. */
export function forwardFloat(model: FloatModel, input: Float32Array, observe?: LayerObserver): Float32Array {
  let shape: ActShape = [...model.spec.inputShape];
  let x = input;
  if (x.length !== shape[0] * shape[1] * shape[2]) throw new UserError(`float inference: image has ${x.length} values, model input ${shape.join('x')} needs ${shape[0] * shape[1] * shape[2]}`);
  model.spec.layers.forEach((l, i) => {
    if (l.kind === 'conv') {
      const p = layerParams(model, l.name, l.outChannels * l.inChannels * l.kernel * l.kernel, l.outChannels);
      ({ y: x, shape } = convFloat(x, shape, l, p.weight, p.bias));
    } else if (l.kind === 'linear') {
      const p = layerParams(model, l.name, l.outFeatures * l.inFeatures, l.outFeatures);
      x = linearFloat(x, l, p.weight, p.bias);
      shape = [l.outFeatures, 1, 1];
    } else if (l.kind === 'relu') {
      x = x.map((v) => (v > 0 ? v : 0));
    } else if (l.kind === 'maxpool2') {
      ({ y: x, shape } = maxPool2(x, shape, (n) => new Float32Array(n)));
    } else {
      shape = [shape[0] * shape[1] * shape[2], 1, 1];
    }
    observe?.(i, l, x, shape);
  });
  return x;
}

/** Index of the largest value; ties go to the lowest index. */
export function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[best]!) best = i;
  return best;
}

/** Pixels 0..255 to floats in [0, 1]. */
export function pixelsToFloat(pixels: Uint8Array): Float32Array {
  return Float32Array.from(pixels, (p) => p / 255);
}

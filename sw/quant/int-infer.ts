/**
 * Integer-only inference of an IntModel, one image at a time: int8 activations, int8 weights,
 * int32 accumulators, fixed-point requantization. No float arithmetic touches the data path.
 */
import { UserError } from '../../common/user-error.js';
import type { ActShape } from './float-infer.js';
import { maxPool2 } from './float-infer.js';
import { INT32_MAX, clamp, requantize } from './fixed-point.js';
import type { IntConvLayer, IntLinearLayer, IntModel } from './int-model.js';

export interface IntRunStats {
  /** Largest |acc| seen per MAC layer name. */
  maxAbsAcc: Map<string, number>;
}

export function newRunStats(): IntRunStats {
  return { maxAbsAcc: new Map() };
}

/** Typed copies of a layer's integers, made once per layer object. */
interface Packed {
  w: Int8Array;
  bias: Int32Array;
}
const packedCache = new WeakMap<object, Packed>();

function packed(l: IntConvLayer | IntLinearLayer): Packed {
  let p = packedCache.get(l);
  if (!p) {
    p = { w: Int8Array.from(l.weights), bias: Int32Array.from(l.bias) };
    packedCache.set(l, p);
  }
  return p;
}

function checkAcc(l: { name: string }, acc: number, stats?: IntRunStats): void {
  const a = Math.abs(acc);
  if (a > INT32_MAX) throw new Error(`integer inference: layer "${l.name}" accumulator ${acc} overflows 32 bits`);
  if (stats && a > (stats.maxAbsAcc.get(l.name) ?? -1)) stats.maxAbsAcc.set(l.name, a);
}

/** Requantizes one accumulator of output channel o (or returns it for the final layer). */
function finish(l: IntConvLayer | IntLinearLayer, o: number, acc: number): number {
  return requantize(acc, { multiplier: l.multiplier[o]!, shift: l.shift[o]! }, l.outZero, l.clampLo);
}

function convInt(l: IntConvLayer, x: Int8Array, [C, H, W]: ActShape, stats?: IntRunStats): { acc: Int32Array; y: Int8Array; shape: ActShape } {
  const { w, bias } = packed(l);
  const K = l.kernel;
  const Ho = Math.floor((H + 2 * l.padding - K) / l.stride) + 1;
  const Wo = Math.floor((W + 2 * l.padding - K) / l.stride) + 1;
  const O = l.outChannels;
  const acc = new Int32Array(O * Ho * Wo);
  const y = new Int8Array(l.final ? 0 : O * Ho * Wo);
  for (let o = 0; o < O; o++) {
    for (let oy = 0; oy < Ho; oy++) {
      for (let ox = 0; ox < Wo; ox++) {
        let s = bias[o]!;
        for (let c = 0; c < C; c++) {
          for (let kh = 0; kh < K; kh++) {
            const iy = oy * l.stride + kh - l.padding;
            for (let kw = 0; kw < K; kw++) {
              const ix = ox * l.stride + kw - l.padding;
              // padding reads the input zero point (the real value 0)
              const a = iy < 0 || iy >= H || ix < 0 || ix >= W ? l.inZero : x[(c * H + iy) * W + ix]!;
              s += a * w[((o * C + c) * K + kh) * K + kw]!;
            }
          }
        }
        checkAcc(l, s, stats);
        const at = (o * Ho + oy) * Wo + ox;
        acc[at] = s;
        if (!l.final) y[at] = finish(l, o, s);
      }
    }
  }
  return { acc, y, shape: [O, Ho, Wo] };
}

function linearInt(l: IntLinearLayer, x: Int8Array, stats?: IntRunStats): { acc: Int32Array; y: Int8Array } {
  const { w, bias } = packed(l);
  const acc = new Int32Array(l.outFeatures);
  const y = new Int8Array(l.final ? 0 : l.outFeatures);
  for (let o = 0; o < l.outFeatures; o++) {
    let s = bias[o]!;
    const row = o * l.inFeatures;
    for (let i = 0; i < l.inFeatures; i++) s += x[i]! * w[row + i]!;
    checkAcc(l, s, stats);
    acc[o] = s;
    if (!l.final) y[o] = finish(l, o, s);
  }
  return { acc, y };
}

/** Input pixels 0..255 to int8 activations: q = pixel - 128 (scale 1/255, zero point -128). */
export function quantizeInput(pixels: Uint8Array): Int8Array {
  return Int8Array.from(pixels, (p) => p - 128);
}

/** Runs the integer model on one image; label = argmax of the int32 logits, ties to the lowest index. */
export function runInt(model: IntModel, image: Uint8Array, stats?: IntRunStats): { logits: Int32Array; label: number } {
  let shape: ActShape = [...model.spec.inputShape];
  const size = shape[0] * shape[1] * shape[2];
  if (image.length !== size) throw new UserError(`integer inference: image has ${image.length} pixels, model input ${shape.join('x')} needs ${size}`);
  let x = quantizeInput(image);
  let logits: Int32Array | null = null;
  for (const l of model.layers) {
    if (l.kind === 'conv') {
      const r = convInt(l, x, shape, stats);
      ({ y: x, shape } = r);
      if (l.final) logits = r.acc;
    } else if (l.kind === 'linear') {
      const r = linearInt(l, x, stats);
      x = r.y;
      shape = [l.outFeatures, 1, 1];
      if (l.final) logits = r.acc;
    } else if (l.kind === 'maxpool2') {
      ({ y: x, shape } = maxPool2(x, shape, (n) => new Int8Array(n)));
    } else if (l.kind === 'relu') {
      const z = l.zeroPoint;
      x = x.map((v) => clamp(v, z, 127));
    } else {
      shape = [shape[0] * shape[1] * shape[2], 1, 1];
    }
  }
  if (!logits) throw new UserError('integer inference: the model has no final layer');
  let label = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[label]!) label = i;
  return { logits, label };
}

/**
 * Post-training integer quantization (Jacob et al.): turns a float model, optionally with some layers
 * in SmartDeal form, into an IntModel that runs with int8 x int8 multiplies, int32 accumulators and
 * fixed-point requantization only.
 */
import { UserError } from '../../common/user-error.js';
import type { FloatModel, LayerSpec } from '../model/spec.js';
import { reconstructLayer, type SdLayer } from '../sd/blocks.js';
import { type ActRange, type CalibrationOptions, DEFAULT_CALIBRATION, calibrateRanges } from './calibrate.js';
import { INT32_MAX, affineParams, quantizeMultiplier } from './fixed-point.js';
import { layerParams } from './float-infer.js';
import type { IntLayer, IntMacFields, IntModel } from './int-model.js';
import { quantizeSdLayer, rebuildSdWeights, type IntSdWeights } from './sd-weights.js';

export interface QuantizeOptions {
  /** Calibration images, C*H*W pixels 0..255 each (a few hundred training images). */
  calibration: Uint8Array[];
  calibrationMethod?: CalibrationOptions;
  /** Layers in SmartDeal form, by layer name; their weights are rebuilt from Ce codes and int8 B. */
  sd?: SdLayer[];
  /** Width of the requantization multiplier (default 16: one iCE40 DSP operand). */
  multiplierBits?: number;
  /** Weight scale per output channel or one per layer (the classifier always uses one). */
  weightGranularity?: 'channel' | 'layer';
}

export const INPUT_PARAMS = { scale: 1 / 255, zeroPoint: -128 } as const;

type MacSpec = Extract<LayerSpec, { kind: 'conv' | 'linear' }>;

function weightShape(l: MacSpec): number[] {
  return l.kind === 'conv' ? [l.outChannels, l.inChannels, l.kernel, l.kernel] : [l.outFeatures, l.inFeatures];
}

/** The float model with SD layers replaced by their reconstruction Ce * B (what the integers approximate). */
export function effectiveFloatModel(model: FloatModel, sd: SdLayer[] = []): FloatModel {
  const params = { ...model.params };
  for (const layer of sd) {
    const spec = model.spec.layers.find((l): l is MacSpec => (l.kind === 'conv' || l.kind === 'linear') && l.name === layer.name);
    if (!spec) throw new UserError(`quantize: SmartDeal layer "${layer.name}" is not a conv or linear layer of the model`);
    const shape = weightShape(spec);
    if (shape.join(',') !== layer.layout.shape.join(',')) {
      throw new UserError(`quantize: SmartDeal layer "${layer.name}" has shape (${layer.layout.shape.join(', ')}), the model expects (${shape.join(', ')})`);
    }
    params[layer.name] = { weight: reconstructLayer(layer), bias: model.params[layer.name]!.bias };
  }
  return { spec: model.spec, params };
}

function perOutputScales(w: Float32Array, outputs: number, perChannel: boolean): number[] {
  const per = w.length / outputs;
  const maxAbs = Array.from({ length: outputs }, (_, o) => {
    let m = 0;
    for (let i = o * per; i < (o + 1) * per; i++) m = Math.max(m, Math.abs(w[i]!));
    return m;
  });
  const layerMax = Math.max(...maxAbs);
  // an all-zero channel still needs a positive scale; its weights quantize to 0 anyway
  const scale = (m: number): number => (m > 0 ? m / 127 : 1 / 127);
  return maxAbs.map((m) => scale(perChannel ? m : layerMax));
}

/** Quantizes the model; see docs/sw-compression.md for the arithmetic. */
export function quantizeModel(model: FloatModel, opts: QuantizeOptions): IntModel {
  const multiplierBits = opts.multiplierBits ?? 16;
  const effective = effectiveFloatModel(model, opts.sd);
  const sdByName = new Map((opts.sd ?? []).map((l) => [l.name, l]));
  const layers = model.spec.layers;
  const macIndices = layers.flatMap((l, i) => (l.kind === 'conv' || l.kind === 'linear' ? [i] : []));
  if (macIndices.length === 0) throw new UserError('quantize: the model has no conv or linear layer');
  const finalIndex = macIndices[macIndices.length - 1]!;
  if (finalIndex !== layers.length - 1) throw new UserError(`quantize: the classifier (layer ${finalIndex}) must be the last layer; found ${layers[layers.length - 1]!.kind} after it`);
  const ranges: Map<number, ActRange> = calibrateRanges(effective, opts.calibration, opts.calibrationMethod ?? DEFAULT_CALIBRATION);

  let act: { scale: number; zeroPoint: number } = { ...INPUT_PARAMS };
  const out: IntLayer[] = [];
  const folded = new Set<number>();
  layers.forEach((l, i) => {
    if (l.kind === 'maxpool2' || l.kind === 'flatten') {
      out.push({ kind: l.kind });
      return;
    }
    if (l.kind === 'relu') {
      if (!folded.has(i)) out.push({ kind: 'relu', zeroPoint: act.zeroPoint });
      return;
    }
    const final = i === finalIndex;
    const perChannel = !final && (opts.weightGranularity ?? 'channel') === 'channel';
    const outputs = l.kind === 'conv' ? l.outChannels : l.outFeatures;
    const p = layerParams(effective, l.name, weightShape(l).reduce((a, b) => a * b, 1), outputs);
    const weightScale = perOutputScales(p.weight, outputs, perChannel);
    const sdLayer = sdByName.get(l.name);
    let sd: IntSdWeights | undefined;
    let weights: number[];
    if (sdLayer) {
      sd = quantizeSdLayer(sdLayer, weightScale);
      weights = rebuildSdWeights(sd);
    } else {
      const per = p.weight.length / outputs;
      weights = Array.from(p.weight, (v, k) => Math.max(-127, Math.min(127, Math.round(v / weightScale[Math.floor(k / per)]!))));
    }
    const per = weights.length / outputs;
    const bias: number[] = [];
    let accBound = 0;
    for (let o = 0; o < outputs; o++) {
      let sum = 0;
      let sumAbs = 0;
      for (let k = o * per; k < (o + 1) * per; k++) {
        sum += weights[k]!;
        sumAbs += Math.abs(weights[k]!);
      }
      const b = Math.round(p.bias[o]! / (act.scale * weightScale[o]!)) - act.zeroPoint * sum;
      bias.push(b);
      accBound = Math.max(accBound, Math.abs(b) + 128 * sumAbs);
    }
    if (accBound > INT32_MAX) throw new UserError(`quantize: layer "${l.name}" can reach |acc| = ${accBound}, more than a 32-bit accumulator holds`);
    const relu = !final && layers[i + 1]?.kind === 'relu';
    if (relu) folded.add(i + 1);
    const fields: IntMacFields = {
      name: l.name, inScale: act.scale, inZero: act.zeroPoint, outScale: 0, outZero: 0, weightScale, weights, bias,
      multiplier: [], shift: [], clampLo: -128, relu, final, accBound, ...(sd ? { sd } : {}),
    };
    if (final) {
      fields.outScale = act.scale * weightScale[0]!;
    } else {
      const r = ranges.get(i)!;
      const o = affineParams(relu ? Math.max(0, r.min) : r.min, r.max);
      fields.outScale = o.scale;
      fields.outZero = o.zeroPoint;
      fields.clampLo = relu ? o.zeroPoint : -128;
      for (let c = 0; c < outputs; c++) {
        const m = quantizeMultiplier((act.scale * weightScale[c]!) / o.scale, multiplierBits);
        fields.multiplier.push(m.multiplier);
        fields.shift.push(m.shift);
      }
      act = o;
    }
    if (l.kind === 'conv') {
      out.push({ kind: 'conv', inChannels: l.inChannels, outChannels: l.outChannels, kernel: l.kernel, stride: l.stride, padding: l.padding, ...fields });
    } else {
      out.push({ kind: 'linear', inFeatures: l.inFeatures, outFeatures: l.outFeatures, ...fields });
    }
  });
  return { format: 'smartdeal-int-model', version: 1, spec: model.spec, input: { ...INPUT_PARAMS }, multiplierBits, layers: out };
}

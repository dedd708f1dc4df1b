/**
 * Seeded random integer models for checking the engine (golden model against runInt, RTL against
 * the golden model): a random float network is decomposed (SD) or kept dense, calibrated on random
 * images and quantized by sw/quant, then optionally bent to corner cases the quantizer rarely makes
 * (a pruning group with every row pruned, extreme Ce exponent fields and B values that saturate the
 * rebuild, requantization multipliers that saturate the output). Weights always equal the rebuild
 * of the codes, as IntModel requires.
 */
import type { Rng } from '../../common/rng.js';
import type { FloatModel, LayerSpec, ModelSpec } from '../model/spec.js';
import { rebuildSdWeights } from '../quant/sd-weights.js';
import { quantizeModel } from '../quant/quantize.js';
import { isMacLayer, type IntModel } from '../quant/int-model.js';
import { decomposeLayer } from '../sd/decompose.js';
import type { SdLayer } from '../sd/blocks.js';

export interface RandomModelOptions {
  spec: ModelSpec;
  /** Decompose every conv/linear layer into SD form. */
  sd: boolean;
  groupSize?: number;
  blockRows?: number;
  pruneFraction?: number;
  /** Bend the model: zero every row of the last pruning group of each SD layer. */
  pruneWholeGroup?: boolean;
  /** Bend the model: some codes at the largest exponent field with |Bq| = 127 and R = 0 (saturating rebuilds). */
  extremeCodes?: boolean;
  /** Bend the model: multiply some requantization multipliers so outputs saturate at 127 / clampLo. */
  saturateOutputs?: boolean;
  calibrationImages?: number;
}

export function randomFloatModel(rng: Rng, spec: ModelSpec): FloatModel {
  const params: FloatModel['params'] = {};
  for (const l of spec.layers) {
    if (l.kind !== 'conv' && l.kind !== 'linear') continue;
    const n = l.kind === 'conv' ? l.outChannels * l.inChannels * l.kernel * l.kernel : l.outFeatures * l.inFeatures;
    const outs = l.kind === 'conv' ? l.outChannels : l.outFeatures;
    params[l.name] = {
      weight: Float32Array.from({ length: n }, () => rng.normal() * Math.sqrt(2 / (n / outs))),
      bias: Float32Array.from({ length: outs }, () => 0.2 + rng.normal() * 0.1), // mostly positive: no layer dies under ReLU
    };
  }
  return { spec, params };
}

export function randomImages(rng: Rng, count: number, size: number): Uint8Array[] {
  return Array.from({ length: count }, () => Uint8Array.from({ length: size }, () => rng.int(0, 255)));
}

function shapeOf(l: LayerSpec): number[] {
  if (l.kind === 'conv') return [l.outChannels, l.inChannels, l.kernel, l.kernel];
  if (l.kind === 'linear') return [l.outFeatures, l.inFeatures];
  return [];
}

export function randomIntModel(rng: Rng, o: RandomModelOptions): IntModel {
  const float = randomFloatModel(rng, o.spec);
  const sd: SdLayer[] = !o.sd ? [] : o.spec.layers.flatMap((l) => {
    if (l.kind !== 'conv' && l.kind !== 'linear') return [];
    const layer = decomposeLayer(l.name, float.params[l.name]!.weight, shapeOf(l), {
      groupSize: o.groupSize ?? 32, blockRows: o.blockRows ?? 192, pruneFraction: o.pruneFraction ?? 0,
    });
    return layer ? [layer] : [];
  });
  const [C, H, W] = o.spec.inputShape;
  const model = quantizeModel(float, { calibration: randomImages(rng, o.calibrationImages ?? 24, C * H * W), sd });
  for (const l of model.layers) {
    if (!isMacLayer(l)) continue;
    if (l.sd && (o.pruneWholeGroup || o.extremeCodes)) {
      const sdw = l.sd;
      const fieldMax = 2 ** sdw.expBits - 1;
      const groups = Math.ceil(sdw.layout.outChannels / sdw.groupSize);
      sdw.blocks.forEach((outBlocks, out) => {
        for (const blk of outBlocks) {
          if (o.extremeCodes && rng.next() < 0.5) {
            blk.shift = rng.int(0, 1) * rng.int(0, 15); // R = 0 half the time: |t| up to 3 * 127 * 2^(fieldMax-1)
            blk.bq = blk.bq.map(() => (rng.next() < 0.5 ? -127 : 127));
            for (let r = 0; r < blk.rows; r++) {
              if (rng.next() < 0.5) continue;
              for (let k = 0; k < sdw.layout.basis; k++) blk.codes[r * sdw.layout.basis + k] = (rng.int(0, 1) << sdw.expBits) | fieldMax;
              blk.rowMask[r] = 1;
            }
          }
          if (o.pruneWholeGroup && Math.floor(out / sdw.groupSize) === groups - 1) {
            blk.codes.fill(0);
            blk.rowMask.fill(0);
          }
        }
      });
      l.weights = rebuildSdWeights(sdw);
      l.accBound = 0;
      const per = l.weights.length / l.bias.length;
      l.bias.forEach((b, k) => {
        let s = 0;
        for (let i = 0; i < per; i++) s += Math.abs(l.weights[k * per + i]!);
        l.accBound = Math.max(l.accBound, Math.abs(b) + 128 * s);
      });
    }
    if (o.saturateOutputs && !l.final) {
      l.multiplier = l.multiplier.map((m, k) => (k % 2 === 0 ? Math.min(2 ** model.multiplierBits - 1, m * 64) : m));
    }
  }
  return model;
}

/** Shorthand for a spec: input shape, classes and layers. */
export function specOf(inputShape: [number, number, number], classes: number, layers: LayerSpec[]): ModelSpec {
  return { inputShape, classes, layers };
}

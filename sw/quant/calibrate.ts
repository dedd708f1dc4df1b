/**
 * Calibration of activation ranges: the float model runs on a few hundred images and each
 * multiply-accumulate layer's output (after its ReLU when one follows) gets a real range, by global
 * min/max or by a percentile of the observed values.
 */
import { UserError } from '../../common/user-error.js';
import type { FloatModel } from '../model/spec.js';
import { forwardFloat, pixelsToFloat } from './float-infer.js';

export interface CalibrationOptions {
  method: 'minmax' | 'percentile';
  /** For 'percentile': the range keeps this percentage of values inside (e.g. 99.99). */
  percentile: number;
}

export const DEFAULT_CALIBRATION: CalibrationOptions = { method: 'minmax', percentile: 99.99 };

/** Most values kept per layer for percentiles (an even stride through all values). */
const SAMPLE_CAP = 1 << 20;

export interface ActRange {
  min: number;
  max: number;
}

/**
 * Index of the layer whose output a MAC layer's requantized value stands for: the ReLU right after
 * it when there is one (so the ReLU folds into the clamp), else the MAC layer itself.
 */
export function requantPoint(model: FloatModel, macIndex: number): number {
  return model.spec.layers[macIndex + 1]?.kind === 'relu' ? macIndex + 1 : macIndex;
}

/** Real ranges per MAC layer index, from `images` (each C*H*W pixels 0..255). */
export function calibrateRanges(model: FloatModel, images: Uint8Array[], opts: CalibrationOptions = DEFAULT_CALIBRATION): Map<number, ActRange> {
  if (images.length === 0) throw new UserError('calibration: needs at least one image');
  const points = new Map<number, number>(); // observed layer index -> MAC index
  model.spec.layers.forEach((l, i) => {
    if (l.kind === 'conv' || l.kind === 'linear') points.set(requantPoint(model, i), i);
  });
  const ranges = new Map<number, ActRange>();
  const samples = new Map<number, number[]>();
  let seen = 0;
  const total = images.length;
  for (const img of images) {
    forwardFloat(model, pixelsToFloat(img), (i, _l, out) => {
      const mac = points.get(i);
      if (mac === undefined) return;
      const r = ranges.get(mac) ?? { min: Infinity, max: -Infinity };
      for (const v of out) {
        if (v < r.min) r.min = v;
        if (v > r.max) r.max = v;
      }
      ranges.set(mac, r);
      if (opts.method === 'percentile') {
        const keep = samples.get(mac) ?? [];
        const stride = Math.max(1, Math.ceil((out.length * total) / SAMPLE_CAP));
        for (let k = seen % stride; k < out.length; k += stride) keep.push(out[k]!);
        samples.set(mac, keep);
      }
    });
    seen++;
  }
  if (opts.method === 'percentile') {
    if (!(opts.percentile > 50 && opts.percentile <= 100)) throw new UserError(`calibration: percentile must be in (50, 100], got ${opts.percentile}`);
    for (const [mac, values] of samples) {
      values.sort((a, b) => a - b);
      const at = (p: number): number => values[Math.min(values.length - 1, Math.max(0, Math.round((p / 100) * (values.length - 1))))]!;
      ranges.set(mac, { min: at(100 - opts.percentile), max: at(opts.percentile) });
    }
  }
  return ranges;
}

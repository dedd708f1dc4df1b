/**
 * Accuracy of the float and the integer inference over labelled images, side by side.
 */
import type { FloatModel } from '../model/spec.js';
import { argmax, forwardFloat, pixelsToFloat } from './float-infer.js';
import { newRunStats, runInt } from './int-infer.js';
import type { IntModel } from './int-model.js';

/** Labelled images as bytes (structurally the ImageDataset of sw/data). */
export interface LabelledImages {
  pixels: Uint8Array;
  labels: Uint8Array;
  count: number;
}

export interface AccuracyResult {
  correct: number;
  count: number;
  accuracy: number;
}

/** Accuracy of any per-image classifier over the first `limit` images. */
export function accuracyOf(ds: LabelledImages, classify: (image: Uint8Array) => number, limit = ds.count): AccuracyResult {
  const count = Math.min(limit, ds.count);
  const size = ds.pixels.length / ds.count;
  let correct = 0;
  for (let i = 0; i < count; i++) {
    if (classify(ds.pixels.subarray(i * size, (i + 1) * size)) === ds.labels[i]) correct++;
  }
  return { correct, count, accuracy: count > 0 ? correct / count : 0 };
}

/** Integer-inference accuracy plus the largest accumulator seen per layer. */
export function intAccuracy(model: IntModel, ds: LabelledImages, limit?: number): AccuracyResult & { maxAbsAcc: Record<string, number> } {
  const stats = newRunStats();
  const r = accuracyOf(ds, (img) => runInt(model, img, stats).label, limit);
  return { ...r, maxAbsAcc: Object.fromEntries(stats.maxAbsAcc) };
}

/** Float-inference accuracy of the same images (pixels / 255 as input). */
export function floatAccuracy(model: FloatModel, ds: LabelledImages, limit?: number): AccuracyResult {
  return accuracyOf(ds, (img) => argmax(forwardFloat(model, pixelsToFloat(img))), limit);
}

import type { Rng } from '../../common/rng.js';
import { Tensor } from '../tensor/tensor.js';

/** Labelled 8-bit grey images, kept as bytes (a float copy of 60,000 images would be 188 MB). */
export interface ImageDataset {
  name: string;
  /** [channels, height, width] of one image. */
  shape: [number, number, number];
  /** count * c * h * w pixels, 0..255. */
  pixels: Uint8Array;
  labels: Uint8Array;
  count: number;
  classes: number;
}

export function imageSize(ds: ImageDataset): number {
  return ds.shape[0] * ds.shape[1] * ds.shape[2];
}

/** Images [start, start + count) as a dataset sharing the same bytes. */
export function subset(ds: ImageDataset, start: number, count: number): ImageDataset {
  const n = Math.max(0, Math.min(count, ds.count - start));
  const size = imageSize(ds);
  return {
    ...ds,
    name: `${ds.name}[${start}..${start + n})`,
    pixels: ds.pixels.subarray(start * size, (start + n) * size),
    labels: ds.labels.subarray(start, start + n),
    count: n,
  };
}

export interface Batch {
  x: Tensor;
  labels: Uint8Array;
}

/** The images at `indices` as a float tensor [n, c, h, w] scaled to [0, 1]. */
export function gatherBatch(ds: ImageDataset, indices: ArrayLike<number>): Batch {
  const size = imageSize(ds);
  const n = indices.length;
  const x = new Float32Array(n * size);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const src = indices[i]! * size;
    for (let p = 0; p < size; p++) x[i * size + p] = ds.pixels[src + p]! / 255;
    labels[i] = ds.labels[indices[i]!]!;
  }
  return { x: new Tensor(x, [n, ...ds.shape]), labels };
}

/** One epoch in batches: shuffled by `rng` when given, else in order. The last batch may be short. */
export function* batches(ds: ImageDataset, batchSize: number, rng?: Rng): Generator<Batch> {
  const order = [...Array(ds.count).keys()];
  if (rng) rng.shuffle(order);
  for (let i = 0; i < order.length; i += batchSize) yield gatherBatch(ds, order.slice(i, i + batchSize));
}

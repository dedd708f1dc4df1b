/**
 * Training-time augmentation: every image of a batch moves by a random whole-pixel offset
 * (dx, dy in -maxShift..maxShift, drawn from a seeded Rng), the uncovered border filled with 0
 * (the background of MNIST and Fashion-MNIST). Labels are unchanged.
 */
import type { Rng } from '../../common/rng.js';
import { Tensor } from '../tensor/tensor.js';
import type { Batch } from './dataset.js';

/** Image `src` ([c, h, w] floats) moved by (dx, dy) into `dst`: dst[y][x] = src[y - dy][x - dx], 0 outside. */
export function shiftImage(src: Float32Array, dst: Float32Array, c: number, h: number, w: number, dx: number, dy: number): void {
  dst.fill(0);
  const x0 = Math.max(0, dx), x1 = Math.min(w, w + dx);
  for (let ch = 0; ch < c; ch++) {
    for (let y = Math.max(0, dy); y < Math.min(h, h + dy); y++) {
      const row = (ch * h + y) * w, from = (ch * h + y - dy) * w - dx;
      for (let x = x0; x < x1; x++) dst[row + x] = src[from + x]!;
    }
  }
}

/** The batch with each image shifted by its own random offset (a new tensor; the input is not modified). */
export function randomShift(batch: Batch, maxShift: number, rng: Rng): Batch {
  if (maxShift === 0) return batch;
  const [n, c, h, w] = batch.x.shape as [number, number, number, number];
  const size = c * h * w;
  const out = new Float32Array(n * size);
  for (let i = 0; i < n; i++) {
    const dx = rng.int(-maxShift, maxShift), dy = rng.int(-maxShift, maxShift);
    shiftImage(batch.x.data.subarray(i * size, (i + 1) * size), out.subarray(i * size, (i + 1) * size), c, h, w, dx, dy);
  }
  return { x: new Tensor(out, batch.x.shape), labels: batch.labels };
}

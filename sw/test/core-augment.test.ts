import { describe, expect, it } from 'vitest';
import { Rng } from '../../common/rng.js';
import { randomShift, shiftImage } from '../data/augment.js';
import { Tensor } from '../tensor/tensor.js';

/** Reference: read each output pixel from its source by coordinates (no row arithmetic shared with shiftImage). */
function shiftReference(src: Float32Array, c: number, h: number, w: number, dx: number, dy: number): Float32Array {
  const out = new Float32Array(c * h * w);
  for (let ch = 0; ch < c; ch++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const sy = y - dy, sx = x - dx;
    out[(ch * h + y) * w + x] = sy >= 0 && sy < h && sx >= 0 && sx < w ? src[(ch * h + sy) * w + sx]! : 0;
  }
  return out;
}

describe('random shift augmentation', () => {
  it('shifts a hand-checked 3x3 image right by 1 and up by 1', () => {
    const src = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const dst = new Float32Array(9);
    shiftImage(src, dst, 1, 3, 3, 1, -1);
    expect([...dst]).toEqual([0, 4, 5, 0, 7, 8, 0, 0, 0]);
  });

  it('matches the coordinate reference for every offset up to 3 on a 2-channel 5x4 image', () => {
    const seed = 11;
    const rng = new Rng(seed);
    const src = Float32Array.from({ length: 2 * 5 * 4 }, () => rng.next());
    let n = 0;
    for (let dy = -3; dy <= 3; dy++) for (let dx = -3; dx <= 3; dx++) {
      const dst = new Float32Array(src.length).fill(7); // stale values must be overwritten
      shiftImage(src, dst, 2, 5, 4, dx, dy);
      expect([...dst], `seed ${seed} dx ${dx} dy ${dy}`).toEqual([...shiftReference(src, 2, 5, 4, dx, dy)]);
      n++;
    }
    console.log(`compared ${n} shifted images with the coordinate reference (seed ${seed})`);
  });

  it('gives each image one offset within the bound, reproducibly from the seed, and leaves the input alone', () => {
    const seed = 5, n = 64, max = 2;
    const data = new Rng(seed);
    const x = new Tensor(Float32Array.from({ length: n * 6 * 6 }, () => 0.1 + data.next()), [n, 1, 6, 6]);
    const before = x.data.slice();
    const batch = { x, labels: new Uint8Array(n) };
    const a = randomShift(batch, max, new Rng(seed)), b = randomShift(batch, max, new Rng(seed));
    expect([...a.x.data]).toEqual([...b.x.data]);
    expect([...x.data]).toEqual([...before]);
    const seen = new Set<string>();
    for (let i = 0; i < n; i++) {
      const img = x.data.subarray(i * 36, (i + 1) * 36), got = [...a.x.data.subarray(i * 36, (i + 1) * 36)];
      const hits: string[] = [];
      for (let dy = -max; dy <= max; dy++) for (let dx = -max; dx <= max; dx++) {
        if (JSON.stringify([...shiftReference(img, 1, 6, 6, dx, dy)]) === JSON.stringify(got)) hits.push(`${dx},${dy}`);
      }
      expect(hits, `seed ${seed} image ${i}`).toHaveLength(1);
      seen.add(hits[0]!);
    }
    expect(seen.size).toBeGreaterThan(12); // 25 offsets possible: the draw is not stuck
    console.log(`compared ${n} images against all ${(2 * max + 1) ** 2} offsets (seed ${seed}), ${seen.size} distinct offsets used`);
  });
});

import { record, Tensor } from '../tensor/tensor.js';

/** 2x2 max pooling with stride 2 on [N, C, H, W] (odd trailing rows/columns are dropped). */
export function maxPool2(x: Tensor): Tensor {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const oh = h >> 1, ow = w >> 1;
  const y = new Float32Array(n * c * oh * ow);
  const argmax = new Int32Array(y.length); // flat index into x of the winner, for backward
  let o = 0;
  for (let plane = 0; plane < n * c; plane++) {
    const base = plane * h * w;
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++, o++) {
        const i0 = base + 2 * oy * w + 2 * ox;
        let best = i0;
        let bv = x.data[i0]!;
        // Unrolled over the other three taps; ties keep the first (row-major) winner.
        let v = x.data[i0 + 1]!;
        if (v > bv) { bv = v; best = i0 + 1; }
        v = x.data[i0 + w]!;
        if (v > bv) { bv = v; best = i0 + w; }
        v = x.data[i0 + w + 1]!;
        if (v > bv) { bv = v; best = i0 + w + 1; }
        y[o] = bv;
        argmax[o] = best;
      }
    }
  }
  const out = new Tensor(y, [n, c, oh, ow]);
  return record(out, [x], () => {
    const gy = out.grad!;
    const gx = x.gradBuffer();
    for (let i = 0; i < gy.length; i++) gx[argmax[i]!] += gy[i]!;
  });
}

import { gemm, transpose } from '../tensor/gemm.js';
import { col2imAdd, im2col, outputSize, type ConvGeometry } from '../tensor/im2col.js';
import { record, Tensor } from '../tensor/tensor.js';
import { floatActivations, type ActivationStore } from '../tensor/activation-store.js';

export interface ConvOptions {
  stride: number;
  padding: number;
  /** How the input is kept for the weight gradient (float32 or int8). */
  store?: ActivationStore;
}

/**
 * 2-D convolution, x [N, C, H, W] * w [O, C, k, k] + b [O] -> [N, O, Ho, Wo], one im2col + GEMM per
 * image. Backward recomputes im2col from the saved input (which may be stored in int8).
 */
export function conv2d(x: Tensor, w: Tensor, b: Tensor | null, opts: ConvOptions): Tensor {
  const [n, c, h, wd] = x.shape as [number, number, number, number];
  const [o, wc, k, k2] = w.shape as [number, number, number, number];
  if (x.shape.length !== 4 || w.shape.length !== 4 || wc !== c || k !== k2) {
    throw new Error(`conv2d: input [${x.shape.join(', ')}] does not fit weight [${w.shape.join(', ')}]`);
  }
  const g: ConvGeometry = { channels: c, height: h, width: wd, kernel: k, stride: opts.stride, padding: opts.padding };
  const { outH, outW } = outputSize(g);
  const plane = outH * outW;
  const rows = c * k * k;
  const inSize = c * h * wd;
  const outSize = o * plane;
  const y = new Float32Array(n * outSize);
  const col = new Float32Array(rows * plane);
  for (let i = 0; i < n; i++) {
    im2col(g, x.data, i * inSize, col);
    gemm(false, false, o, plane, rows, w.data, col, y.subarray(i * outSize, (i + 1) * outSize));
  }
  if (b) {
    for (let i = 0; i < n; i++) {
      for (let ch = 0; ch < o; ch++) {
        const bias = b.data[ch]!;
        const base = i * outSize + ch * plane;
        for (let p = 0; p < plane; p++) y[base + p] += bias;
      }
    }
  }
  const out = new Tensor(y, [n, o, outH, outW]);
  const saved = (w.requiresGrad ? (opts.store ?? floatActivations) : floatActivations)(x.data);
  return record(out, [x, w, b], () => {
    const gy = out.grad!;
    const xData = w.requiresGrad ? saved() : x.data;
    const dcol = new Float32Array(rows * plane);
    const wT = x.requiresGrad ? transpose(w.data, o, rows) : null; // packed once, not per image
    for (let i = 0; i < n; i++) {
      const gImg = gy.subarray(i * outSize, (i + 1) * outSize);
      if (w.requiresGrad) {
        im2col(g, xData, i * inSize, col);
        gemm(false, true, o, rows, plane, gImg, col, w.gradBuffer(), true);
      }
      if (x.requiresGrad) {
        gemm(false, false, rows, plane, o, wT!, gImg, dcol);
        col2imAdd(g, dcol, x.gradBuffer(), i * inSize);
      }
    }
    if (b?.requiresGrad) {
      const gb = b.gradBuffer();
      for (let i = 0; i < n; i++) {
        for (let ch = 0; ch < o; ch++) {
          const base = i * outSize + ch * plane;
          let s = 0;
          for (let p = 0; p < plane; p++) s += gy[base + p]!;
          gb[ch] += s;
        }
      }
    }
  });
}

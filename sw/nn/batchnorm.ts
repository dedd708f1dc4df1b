import { record, Tensor } from '../tensor/tensor.js';

/** Running statistics of a batch-norm layer (updated in training mode, used in eval mode). */
export interface BatchNormState {
  runningMean: Float32Array;
  runningVar: Float32Array;
  momentum: number;
  eps: number;
}

/**
 * Batch normalization per channel of x [N, C, ...]. Training mode normalizes with the batch mean and
 * (biased) variance and updates the running statistics (unbiased variance); eval mode uses them.
 */
export function batchNorm(x: Tensor, gamma: Tensor, beta: Tensor, state: BatchNormState, training: boolean): Tensor {
  const n = x.shape[0]!, c = x.shape[1]!;
  const plane = x.size / (n * c);
  const count = n * plane;
  const mean = new Float64Array(c), invStd = new Float64Array(c);
  if (training) {
    for (let ch = 0; ch < c; ch++) {
      let s = 0;
      for (let i = 0; i < n; i++) {
        const base = (i * c + ch) * plane;
        for (let p = 0; p < plane; p++) s += x.data[base + p]!;
      }
      const m = s / count;
      let v = 0;
      for (let i = 0; i < n; i++) {
        const base = (i * c + ch) * plane;
        for (let p = 0; p < plane; p++) {
          const d = x.data[base + p]! - m;
          v += d * d;
        }
      }
      const varBiased = v / count;
      mean[ch] = m;
      invStd[ch] = 1 / Math.sqrt(varBiased + state.eps);
      const unbiased = count > 1 ? v / (count - 1) : varBiased;
      state.runningMean[ch] = (1 - state.momentum) * state.runningMean[ch]! + state.momentum * m;
      state.runningVar[ch] = (1 - state.momentum) * state.runningVar[ch]! + state.momentum * unbiased;
    }
  } else {
    for (let ch = 0; ch < c; ch++) {
      mean[ch] = state.runningMean[ch]!;
      invStd[ch] = 1 / Math.sqrt(state.runningVar[ch]! + state.eps);
    }
  }
  const xhat = new Float32Array(x.size);
  const y = new Float32Array(x.size);
  for (let i = 0; i < n; i++) {
    for (let ch = 0; ch < c; ch++) {
      const base = (i * c + ch) * plane;
      const m = mean[ch]!, is = invStd[ch]!, gm = gamma.data[ch]!, bt = beta.data[ch]!;
      for (let p = 0; p < plane; p++) {
        const h = (x.data[base + p]! - m) * is;
        xhat[base + p] = h;
        y[base + p] = gm * h + bt;
      }
    }
  }
  const out = new Tensor(y, x.shape);
  return record(out, [x, gamma, beta], () => {
    const gy = out.grad!;
    for (let ch = 0; ch < c; ch++) {
      let sumG = 0, sumGX = 0;
      for (let i = 0; i < n; i++) {
        const base = (i * c + ch) * plane;
        for (let p = 0; p < plane; p++) {
          sumG += gy[base + p]!;
          sumGX += gy[base + p]! * xhat[base + p]!;
        }
      }
      if (gamma.requiresGrad) gamma.gradBuffer()[ch] += sumGX;
      if (beta.requiresGrad) beta.gradBuffer()[ch] += sumG;
      if (!x.requiresGrad) continue;
      const gx = x.gradBuffer();
      const gm = gamma.data[ch]!, is = invStd[ch]!;
      for (let i = 0; i < n; i++) {
        const base = (i * c + ch) * plane;
        for (let p = 0; p < plane; p++) {
          const q = base + p;
          gx[q] += training
            ? (gm * is / count) * (count * gy[q]! - sumG - xhat[q]! * sumGX)
            : gm * is * gy[q]!;
        }
      }
    }
  });
}

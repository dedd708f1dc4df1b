import { gemm } from '../tensor/gemm.js';
import { record, Tensor } from '../tensor/tensor.js';
import { floatActivations, type ActivationStore } from '../tensor/activation-store.js';

/** y[N, out] = x[N, in] * w[out, in]^T + b[out]. */
export function linear(x: Tensor, w: Tensor, b: Tensor | null, store: ActivationStore = floatActivations): Tensor {
  const [n, inF] = x.shape as [number, number];
  const [outF, wIn] = w.shape as [number, number];
  if (x.shape.length !== 2 || w.shape.length !== 2 || wIn !== inF) {
    throw new Error(`linear: input [${x.shape.join(', ')}] does not fit weight [${w.shape.join(', ')}]`);
  }
  const y = new Float32Array(n * outF);
  gemm(false, true, n, outF, inF, x.data, w.data, y);
  if (b) {
    for (let i = 0; i < n; i++) for (let j = 0; j < outF; j++) y[i * outF + j] += b.data[j]!;
  }
  const out = new Tensor(y, [n, outF]);
  const saved = w.requiresGrad ? store(x.data) : floatActivations(x.data);
  return record(out, [x, w, b], () => {
    const gy = out.grad!;
    if (w.requiresGrad) gemm(true, false, outF, inF, n, gy, saved(), w.gradBuffer(), true);
    if (x.requiresGrad) gemm(false, false, n, inF, outF, gy, w.data, x.gradBuffer(), true);
    if (b?.requiresGrad) {
      const gb = b.gradBuffer();
      for (let i = 0; i < n; i++) for (let j = 0; j < outF; j++) gb[j] += gy[i * outF + j]!;
    }
  });
}

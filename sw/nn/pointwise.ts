import { record, Tensor } from '../tensor/tensor.js';

/** max(0, x); the backward pass lets the gradient through where the output is positive. */
export function relu(x: Tensor): Tensor {
  const y = new Float32Array(x.size);
  for (let i = 0; i < y.length; i++) {
    const v = x.data[i]!;
    y[i] = v > 0 ? v : 0;
  }
  const out = new Tensor(y, x.shape);
  return record(out, [x], () => {
    const gy = out.grad!;
    const gx = x.gradBuffer();
    for (let i = 0; i < y.length; i++) if (y[i]! > 0) gx[i] += gy[i]!;
  });
}

/** [N, ...] -> [N, prod(...)]; the data is shared (row-major order is unchanged). */
export function flatten(x: Tensor): Tensor {
  const n = x.shape[0]!;
  const out = new Tensor(x.data, [n, x.size / n]);
  return record(out, [x], () => {
    const gy = out.grad!;
    const gx = x.gradBuffer();
    for (let i = 0; i < gy.length; i++) gx[i] += gy[i]!;
  });
}

/** a + s * b for tensors of one shape (used to add a regularizer to the loss). */
export function addScaled(a: Tensor, b: Tensor, s: number): Tensor {
  if (a.size !== b.size) throw new Error(`addScaled: sizes ${a.size} and ${b.size} differ`);
  const y = new Float32Array(a.size);
  for (let i = 0; i < y.length; i++) y[i] = a.data[i]! + s * b.data[i]!;
  const out = new Tensor(y, a.shape);
  return record(out, [a, b], () => {
    const gy = out.grad!;
    if (a.requiresGrad) {
      const ga = a.gradBuffer();
      for (let i = 0; i < y.length; i++) ga[i] += gy[i]!;
    }
    if (b.requiresGrad) {
      const gb = b.gradBuffer();
      for (let i = 0; i < y.length; i++) gb[i] += s * gy[i]!;
    }
  });
}

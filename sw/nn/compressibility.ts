import { record, Tensor } from '../tensor/tensor.js';
import { addScaled } from './pointwise.js';

/**
 * Compressibility loss: ||w||_1 / ||w||_2, a differentiable measure of how spread out a tensor is
 * (sqrt(n) when all entries are equal in size, 1 when one entry holds everything).
 * d/dw = sign(w) / L2 - L1 * w / L2^3.
 */
export function l1OverL2(w: Tensor): Tensor {
  let l1 = 0, l2sq = 0;
  for (let i = 0; i < w.size; i++) {
    const v = w.data[i]!;
    l1 += Math.abs(v);
    l2sq += v * v;
  }
  const l2 = Math.sqrt(l2sq);
  const out = new Tensor(new Float32Array([l2 > 0 ? l1 / l2 : 0]), [1]);
  return record(out, [w], () => {
    if (!(l2 > 0)) return;
    const g = out.grad![0]!;
    const gw = w.gradBuffer();
    const a = 1 / l2, b = l1 / (l2 * l2 * l2);
    for (let i = 0; i < w.size; i++) {
      const v = w.data[i]!;
      gw[i] += g * (Math.sign(v) * a - b * v);
    }
  });
}

/** loss + weight * sum over tensors of L1/L2. */
export function compressibilityPenalty(loss: Tensor, tensors: Tensor[], weight: number): Tensor {
  let total = loss;
  for (const t of tensors) total = addScaled(total, l1OverL2(t), weight);
  return total;
}

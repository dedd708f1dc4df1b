import { record, Tensor } from '../tensor/tensor.js';

/**
 * Mean softmax cross-entropy of logits [N, K] against integer labels; also returns the softmax
 * probabilities' argmax hits so the caller can count accuracy without a second pass.
 */
export function softmaxCrossEntropy(logits: Tensor, labels: ArrayLike<number>): { loss: Tensor; correct: number } {
  const [n, k] = logits.shape as [number, number];
  if (labels.length !== n) throw new Error(`softmaxCrossEntropy: ${n} rows of logits but ${labels.length} labels`);
  const probs = new Float32Array(n * k);
  let total = 0;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const row = i * k;
    let max = -Infinity, arg = 0;
    for (let j = 0; j < k; j++) {
      const v = logits.data[row + j]!;
      if (v > max) { max = v; arg = j; }
    }
    let s = 0;
    for (let j = 0; j < k; j++) s += Math.exp(logits.data[row + j]! - max);
    const logSum = Math.log(s) + max;
    const label = labels[i]!;
    total += logSum - logits.data[row + label]!;
    for (let j = 0; j < k; j++) probs[row + j] = Math.exp(logits.data[row + j]! - logSum);
    if (arg === label) correct++;
  }
  const loss = new Tensor(new Float32Array([total / n]), [1]);
  record(loss, [logits], () => {
    const g = loss.grad![0]! / n;
    const gl = logits.gradBuffer();
    for (let i = 0; i < n; i++) {
      const row = i * k;
      for (let j = 0; j < k; j++) gl[row + j] += g * (probs[row + j]! - (j === labels[i] ? 1 : 0));
    }
  });
  return { loss, correct };
}

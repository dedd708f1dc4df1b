import type { Rng } from '../../common/rng.js';
import { backward, noGrad, type Tensor } from './tensor.js';

export interface GradCheckResult {
  /** How many (input, element) partial derivatives were compared. */
  compared: number;
  /** Largest |numeric - analytic| / (atol + rtol * |analytic|); pass when <= 1. */
  worst: number;
  /** Description of the worst element, for failure messages. */
  worstAt: string;
}

/**
 * Compares the analytic gradient of L = sum(out .* R) (R fixed random) with central finite
 * differences, L accumulated in float64. Perturbing an input re-runs `build` without the graph.
 */
export function gradCheck(
  build: () => Tensor, inputs: Record<string, Tensor>, rng: Rng,
  opts: { eps?: number; rtol?: number; atol?: number; maxPerInput?: number } = {},
): GradCheckResult {
  const eps = opts.eps ?? 1e-2, rtol = opts.rtol ?? 1e-2, atol = opts.atol ?? 1e-3;
  for (const t of Object.values(inputs)) t.zeroGrad();
  const out = build();
  const proj = new Float32Array(out.size);
  for (let i = 0; i < proj.length; i++) proj[i] = rng.next() * 2 - 1;
  backward(out, proj);
  const objective = (): number => {
    const y = noGrad(build);
    let s = 0;
    for (let i = 0; i < y.size; i++) s += y.data[i]! * proj[i]!;
    return s;
  };
  let compared = 0, worst = 0, worstAt = '';
  for (const [name, t] of Object.entries(inputs)) {
    const analytic = t.grad ?? new Float32Array(t.size);
    const count = Math.min(t.size, opts.maxPerInput ?? t.size);
    for (let c = 0; c < count; c++) {
      const i = count === t.size ? c : rng.int(0, t.size - 1);
      const saved = t.data[i]!;
      t.data[i] = saved + eps;
      const up = objective();
      t.data[i] = saved - eps;
      const down = objective();
      t.data[i] = saved;
      const numeric = (up - down) / (2 * eps);
      const a = analytic[i]!;
      const score = Math.abs(numeric - a) / (atol + rtol * Math.abs(a));
      compared++;
      if (score > worst) {
        worst = score;
        worstAt = `${name}[${i}] numeric ${numeric.toPrecision(6)} analytic ${a.toPrecision(6)}`;
      }
    }
  }
  return { compared, worst, worstAt };
}

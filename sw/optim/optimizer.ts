import type { Param } from '../nn/layers.js';

/** Updates parameters from their gradients; `step` is called once per batch with the current rate. */
export interface Optimizer {
  step(lr: number): void;
  zeroGrad(): void;
}

export interface SgdOptions {
  momentum?: number;
  weightDecay?: number;
}

/** SGD with (heavy-ball) momentum: v = m v + (g + wd w); w -= lr v. Weight decay skips biases/BN. */
export class Sgd implements Optimizer {
  private readonly velocity: Float32Array[];
  constructor(private readonly params: Param[], private readonly opts: SgdOptions = {}) {
    this.velocity = params.map((p) => new Float32Array(p.tensor.size));
  }

  step(lr: number): void {
    const m = this.opts.momentum ?? 0, wd = this.opts.weightDecay ?? 0;
    this.params.forEach((p, i) => {
      const g = p.tensor.grad;
      if (!g) return;
      const w = p.tensor.data, v = this.velocity[i]!;
      const decay = p.decay ? wd : 0;
      for (let k = 0; k < w.length; k++) {
        v[k] = m * v[k]! + g[k]! + decay * w[k]!;
        w[k] -= lr * v[k]!;
      }
    });
  }

  zeroGrad(): void {
    for (const p of this.params) p.tensor.zeroGrad();
  }
}

export interface AdamOptions {
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
}

/** Adam with bias correction; weight decay is added to the gradient (L2), skipping biases/BN. */
export class Adam implements Optimizer {
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];
  private t = 0;
  constructor(private readonly params: Param[], private readonly opts: AdamOptions = {}) {
    this.m = params.map((p) => new Float32Array(p.tensor.size));
    this.v = params.map((p) => new Float32Array(p.tensor.size));
  }

  step(lr: number): void {
    const b1 = this.opts.beta1 ?? 0.9, b2 = this.opts.beta2 ?? 0.999, eps = this.opts.eps ?? 1e-8, wd = this.opts.weightDecay ?? 0;
    this.t++;
    const c1 = 1 - b1 ** this.t, c2 = 1 - b2 ** this.t;
    this.params.forEach((p, i) => {
      const g = p.tensor.grad;
      if (!g) return;
      const w = p.tensor.data, m = this.m[i]!, v = this.v[i]!;
      const decay = p.decay ? wd : 0;
      for (let k = 0; k < w.length; k++) {
        const gk = g[k]! + decay * w[k]!;
        m[k] = b1 * m[k]! + (1 - b1) * gk;
        v[k] = b2 * v[k]! + (1 - b2) * gk * gk;
        w[k] -= (lr * (m[k]! / c1)) / (Math.sqrt(v[k]! / c2) + eps);
      }
    });
  }

  zeroGrad(): void {
    for (const p of this.params) p.tensor.zeroGrad();
  }
}

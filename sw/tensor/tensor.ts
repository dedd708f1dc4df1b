/**
 * A dense float32 tensor with reverse-mode automatic differentiation.
 *
 * Every op that produces a tensor from inputs needing gradients records a closure that, given the
 * output's gradient, adds the inputs' gradients. `backward(loss)` runs those closures in reverse
 * topological order. Gradients accumulate (`+=`) so a tensor used twice gets both contributions.
 */
export class Tensor {
  grad: Float32Array | null = null;
  /** Inputs this tensor was computed from (only those that need gradients). */
  parents: Tensor[] = [];
  /** Adds this tensor's gradient into its parents' gradients. */
  backwardFn: (() => void) | null = null;

  constructor(
    readonly data: Float32Array,
    readonly shape: readonly number[],
    public requiresGrad = false,
  ) {
    const n = sizeOf(shape);
    if (n !== data.length) throw new Error(`tensor shape [${shape.join(', ')}] needs ${n} values, got ${data.length}`);
  }

  static zeros(shape: readonly number[], requiresGrad = false): Tensor {
    return new Tensor(new Float32Array(sizeOf(shape)), shape, requiresGrad);
  }

  get size(): number {
    return this.data.length;
  }

  /** The gradient buffer, created on first use. */
  gradBuffer(): Float32Array {
    if (!this.grad) this.grad = new Float32Array(this.data.length);
    return this.grad;
  }

  zeroGrad(): void {
    this.grad = null;
  }
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

let gradEnabled = true;

/** Runs `fn` without recording the graph (evaluation, weight updates). */
export function noGrad<T>(fn: () => T): T {
  const saved = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = saved;
  }
}

/**
 * Makes `out` a node of the graph if any input needs a gradient. `backward` reads out.grad and
 * adds into the inputs' gradBuffer(); it is only called when out.grad exists.
 */
export function record(out: Tensor, inputs: readonly (Tensor | null | undefined)[], backward: () => void): Tensor {
  if (!gradEnabled) return out;
  const parents = inputs.filter((t): t is Tensor => !!t && t.requiresGrad);
  if (parents.length === 0) return out;
  out.requiresGrad = true;
  out.parents = parents;
  out.backwardFn = backward;
  return out;
}

/** Back-propagates from a scalar (or from `seed` as the output gradient) through the recorded graph. */
export function backward(root: Tensor, seed?: Float32Array): void {
  if (!root.requiresGrad) throw new Error('backward: the tensor does not depend on any parameter');
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  // Iterative post-order DFS: deep nets must not overflow the call stack.
  const stack: [Tensor, number][] = [[root, 0]];
  seen.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const [node, next] = top;
    if (next < node.parents.length) {
      top[1]++;
      const p = node.parents[next]!;
      if (!seen.has(p)) {
        seen.add(p);
        stack.push([p, 0]);
      }
    } else {
      stack.pop();
      order.push(node);
    }
  }
  const g = root.gradBuffer();
  if (seed) g.set(seed);
  else g.fill(1);
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i]!;
    if (node.backwardFn && node.grad) node.backwardFn();
    // Free intermediate graph links so saved buffers can be collected.
    if (node.backwardFn) {
      node.backwardFn = null;
      node.parents = [];
    }
  }
}

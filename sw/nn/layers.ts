import type { Rng } from '../../common/rng.js';
import { floatActivations, type ActivationStore } from '../tensor/activation-store.js';
import { Tensor } from '../tensor/tensor.js';
import { batchNorm, type BatchNormState } from './batchnorm.js';
import { conv2d } from './conv.js';
import { linear } from './linear.js';
import { flatten, relu } from './pointwise.js';
import { maxPool2 } from './pool.js';

/** A trainable tensor and whether weight decay applies to it (not to biases and BN affine terms). */
export interface Param {
  name: string;
  tensor: Tensor;
  decay: boolean;
}

export interface ForwardContext {
  training: boolean;
  /** How conv/linear layers keep their inputs for the backward pass. */
  store: ActivationStore;
}

export const EVAL_CONTEXT: ForwardContext = { training: false, store: floatActivations };

export interface Layer {
  readonly kind: string;
  forward(x: Tensor, ctx: ForwardContext): Tensor;
  params(): Param[];
}

/**
 * Normal initial weights with std = sqrt(gain / fan_in): gain 2 (He) before a ReLU, gain 1 (LeCun)
 * for the classifier, whose logits go to the softmax.
 */
export function heInit(shape: number[], fanIn: number, rng: Rng, gain = 2): Tensor {
  const t = Tensor.zeros(shape, true);
  const std = Math.sqrt(gain / fanIn);
  for (let i = 0; i < t.size; i++) t.data[i] = rng.normal() * std;
  return t;
}

export class ConvLayer implements Layer {
  readonly kind = 'conv';
  constructor(
    readonly name: string,
    readonly weight: Tensor,
    readonly bias: Tensor,
    readonly stride: number,
    readonly padding: number,
  ) {}

  forward(x: Tensor, ctx: ForwardContext): Tensor {
    return conv2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, store: ctx.store });
  }

  params(): Param[] {
    return [
      { name: `${this.name}.weight`, tensor: this.weight, decay: true },
      { name: `${this.name}.bias`, tensor: this.bias, decay: false },
    ];
  }
}

export class LinearLayer implements Layer {
  readonly kind = 'linear';
  constructor(readonly name: string, readonly weight: Tensor, readonly bias: Tensor) {}

  forward(x: Tensor, ctx: ForwardContext): Tensor {
    return linear(x, this.weight, this.bias, ctx.store);
  }

  params(): Param[] {
    return [
      { name: `${this.name}.weight`, tensor: this.weight, decay: true },
      { name: `${this.name}.bias`, tensor: this.bias, decay: false },
    ];
  }
}

export class BatchNormLayer implements Layer {
  readonly kind = 'batchnorm';
  readonly gamma: Tensor;
  readonly beta: Tensor;
  readonly state: BatchNormState;

  constructor(readonly name: string, channels: number) {
    this.gamma = new Tensor(new Float32Array(channels).fill(1), [channels], true);
    this.beta = Tensor.zeros([channels], true);
    this.state = { runningMean: new Float32Array(channels), runningVar: new Float32Array(channels).fill(1), momentum: 0.1, eps: 1e-5 };
  }

  forward(x: Tensor, ctx: ForwardContext): Tensor {
    return batchNorm(x, this.gamma, this.beta, this.state, ctx.training);
  }

  params(): Param[] {
    return [
      { name: `${this.name}.gamma`, tensor: this.gamma, decay: false },
      { name: `${this.name}.beta`, tensor: this.beta, decay: false },
    ];
  }
}

class StatelessLayer implements Layer {
  constructor(readonly kind: string, private readonly fn: (x: Tensor) => Tensor) {}
  forward(x: Tensor): Tensor {
    return this.fn(x);
  }
  params(): Param[] {
    return [];
  }
}

export const reluLayer = (): Layer => new StatelessLayer('relu', relu);
export const maxPoolLayer = (): Layer => new StatelessLayer('maxpool2', maxPool2);
export const flattenLayer = (): Layer => new StatelessLayer('flatten', flatten);

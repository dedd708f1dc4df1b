/**
 * SD-aware conv and linear layers: trainable latent C and B per block (initialised from a sw/sd
 * decomposition), a fixed mask, and the usual bias; the forward pass rebuilds the dense weight with
 * sdWeight and runs the ordinary conv/linear op.
 */
import type { SdBlock, SdLayer } from '../sd/blocks.js';
import { exponentCount, floorLog2, type Pow2Options } from '../sd/pow2.js';
import { conv2d } from '../nn/conv.js';
import { linear } from '../nn/linear.js';
import type { ForwardContext, Layer, Param } from '../nn/layers.js';
import { Tensor } from '../tensor/tensor.js';
import { bucketSwitch, type BucketBounds } from './bucket.js';
import { quantizedC, sdGeometry, sdWeight, type SdGeometry } from './sd-weight.js';

export interface SdQuantOptions {
  /** Ce entries below this magnitude (layer units, as in sw/sd decompose) quantize to 0. */
  threshold: number;
  maxC: number;
}

export class SdParams {
  readonly c: Tensor;
  readonly b: Tensor;
  /** 1 where C may be non-zero: fixed from the first quantization. */
  readonly mask: Uint8Array;
  readonly geometry: SdGeometry;
  readonly counter: Int32Array;
  readonly bounds: BucketBounds[];
  /** Gradient summed over the current bucket-switching window (window > 1). */
  private readonly accum: Float32Array;
  private windowSteps = 0;

  constructor(readonly init: SdLayer, quant: SdQuantOptions) {
    const layout = init.layout, S = layout.basis, R = layout.rowsPerOutput;
    const blocks = init.blocks.flat();
    const count = exponentCount(init.expBits);
    const top = floorLog2(quant.maxC);
    // Each block keeps its exponent window so its codes stay encodable by the hardware.
    const windows: Pow2Options[] = blocks.map((b) => ({ threshold: quant.threshold, maxC: quant.maxC, minExp: b.expBase, maxExp: Math.min(top, b.expBase + count - 1) }));
    this.geometry = sdGeometry(layout, windows);
    this.bounds = windows.map((w) => {
      const thresholdExp = quant.threshold > 0 ? Math.ceil(Math.log2(quant.threshold)) : -Infinity;
      return { minC: 2 ** Math.max(w.minExp!, thresholdExp), maxC: 2 ** w.maxExp! };
    });
    const c = new Float32Array(layout.outChannels * R * S);
    const b = new Float32Array(blocks.length * S * S);
    blocks.forEach((blk: SdBlock, k) => {
      c.set(blk.ce, this.geometry.blockRow[k]! * S);
      b.set(blk.b, k * S * S);
    });
    this.mask = Uint8Array.from(c, (v) => (v !== 0 ? 1 : 0));
    this.c = new Tensor(c, [layout.outChannels * R, S], true);
    this.b = new Tensor(b, [blocks.length, S, S], true);
    this.counter = new Int32Array(c.length);
    this.accum = new Float32Array(c.length);
  }

  weight(): Tensor {
    return sdWeight(this.c, this.b, this.mask, this.geometry);
  }

  /**
   * Bucket switching of every block; returns the switch count. With `window` > 1 the C gradients of
   * `window` mini-batches are summed and the sign of the sum counts once (a steadier direction).
   */
  bucketStep(bar: number, window = 1): number {
    let grad = this.c.grad;
    if (!grad) return 0;
    if (window > 1) {
      for (let i = 0; i < grad.length; i++) this.accum[i]! += grad[i]!;
      if (++this.windowSteps < window) return 0;
      this.windowSteps = 0;
      grad = this.accum;
    }
    const S = this.geometry.layout.basis;
    let n = 0;
    for (let k = 0; k < this.bounds.length; k++) {
      const start = this.geometry.blockRow[k]! * S;
      n += bucketSwitch(this.c.data, grad, this.mask, this.counter, start, start + this.geometry.blockRows[k]! * S, bar, this.bounds[k]!);
    }
    if (window > 1) this.accum.fill(0);
    return n;
  }

  /** The layer in sw/sd form: quantized Ce and B per block, row masks recomputed. */
  export(): SdLayer {
    const S = this.geometry.layout.basis;
    const q = quantizedC(this.c.data, this.mask, this.geometry);
    let k = 0;
    const blocks = this.init.blocks.map((ob) => ob.map((blk) => {
      const start = this.geometry.blockRow[k]! * S;
      const ce = q.slice(start, start + blk.rows * S);
      const rowMask = new Uint8Array(blk.rows);
      for (let r = 0; r < blk.rows; r++) for (let j = 0; j < S; j++) if (ce[r * S + j] !== 0) rowMask[r] = 1;
      const b = this.b.data.slice(k * S * S, (k + 1) * S * S);
      k++;
      return { rows: blk.rows, ce, b, rowMask, expBase: blk.expBase };
    }));
    return { ...this.init, blocks };
  }
}

export class SdConvLayer implements Layer {
  readonly kind = 'sdconv';
  constructor(readonly name: string, readonly sd: SdParams, readonly bias: Tensor, readonly stride: number, readonly padding: number, private readonly trainC: boolean) {}

  forward(x: Tensor, ctx: ForwardContext): Tensor {
    return conv2d(x, this.sd.weight(), this.bias, { stride: this.stride, padding: this.padding, store: ctx.store });
  }

  params(): Param[] {
    return sdParams(this.name, this.sd, this.bias, this.trainC);
  }
}

export class SdLinearLayer implements Layer {
  readonly kind = 'sdlinear';
  constructor(readonly name: string, readonly sd: SdParams, readonly bias: Tensor, private readonly trainC: boolean) {}

  forward(x: Tensor, ctx: ForwardContext): Tensor {
    return linear(x, this.sd.weight(), this.bias, ctx.store);
  }

  params(): Param[] {
    return sdParams(this.name, this.sd, this.bias, this.trainC);
  }
}

/** B and bias train with the optimizer; C too in straight-through mode (bucket mode moves it itself). */
function sdParams(name: string, sd: SdParams, bias: Tensor, trainC: boolean): Param[] {
  const ps: Param[] = [
    { name: `${name}.sd.b`, tensor: sd.b, decay: false },
    { name: `${name}.bias`, tensor: bias, decay: false },
  ];
  if (trainC) ps.push({ name: `${name}.sd.c`, tensor: sd.c, decay: false });
  return ps;
}

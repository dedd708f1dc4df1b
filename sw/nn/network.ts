import { UserError } from '../../common/user-error.js';
import type { Rng } from '../../common/rng.js';
import type { FloatModel, LayerSpec, ModelSpec } from '../model/spec.js';
import { Tensor } from '../tensor/tensor.js';
import {
  BatchNormLayer, ConvLayer, flattenLayer, heInit, LinearLayer, maxPoolLayer, reluLayer,
  type ForwardContext, type Layer, type Param,
} from './layers.js';

/** A feed-forward network: the layers of a ModelSpec, optionally with batch norm after each conv. */
export class Network {
  constructor(readonly spec: ModelSpec, readonly layers: Layer[]) {}

  forward(x: Tensor, ctx: ForwardContext): Tensor {
    let h = x;
    for (const layer of this.layers) h = layer.forward(h, ctx);
    return h;
  }

  params(): Param[] {
    return this.layers.flatMap((l) => l.params());
  }
}

/** Checks that the layer shapes chain: channels and spatial sizes of every layer agree. */
export function validateSpec(spec: ModelSpec): void {
  let [c, h, w] = spec.inputShape;
  let features = -1; // set after flatten
  spec.layers.forEach((l, i) => {
    const where = `model layer ${i} (${l.kind}${'name' in l ? ` "${l.name}"` : ''})`;
    if (l.kind === 'conv') {
      if (features >= 0) throw new UserError(`${where}: a conv cannot follow flatten`);
      if (l.inChannels !== c) throw new UserError(`${where}: expected inChannels ${c} (the previous layer's output), found ${l.inChannels}`);
      c = l.outChannels;
      h = Math.floor((h + 2 * l.padding - l.kernel) / l.stride) + 1;
      w = Math.floor((w + 2 * l.padding - l.kernel) / l.stride) + 1;
      if (h < 1 || w < 1) throw new UserError(`${where}: output would be empty (${h} x ${w})`);
    } else if (l.kind === 'maxpool2') {
      h >>= 1;
      w >>= 1;
    } else if (l.kind === 'flatten') {
      features = c * h * w;
    } else if (l.kind === 'linear') {
      if (features < 0) throw new UserError(`${where}: a linear layer needs a flatten before it`);
      if (l.inFeatures !== features) throw new UserError(`${where}: expected inFeatures ${features}, found ${l.inFeatures}`);
      features = l.outFeatures;
    }
  });
  if (features !== spec.classes) throw new UserError(`model: the last layer gives ${features} outputs, expected ${spec.classes} classes`);
}

/** A freshly initialised trainable network for `spec`. */
export function buildNetwork(spec: ModelSpec, rng: Rng, opts: { batchNorm: boolean }): Network {
  validateSpec(spec);
  const layers: Layer[] = [];
  const last = spec.layers.length - 1;
  spec.layers.forEach((l, i) => {
    if (l.kind === 'conv') {
      const fanIn = l.inChannels * l.kernel * l.kernel;
      layers.push(new ConvLayer(l.name, heInit([l.outChannels, l.inChannels, l.kernel, l.kernel], fanIn, rng), Tensor.zeros([l.outChannels], true), l.stride, l.padding));
      if (opts.batchNorm) layers.push(new BatchNormLayer(`${l.name}.bn`, l.outChannels));
    } else if (l.kind === 'linear') {
      const gain = i === last ? 1 : 2;
      layers.push(new LinearLayer(l.name, heInit([l.outFeatures, l.inFeatures], l.inFeatures, rng, gain), Tensor.zeros([l.outFeatures], true)));
    } else {
      layers.push(statelessLayer(l));
    }
  });
  return new Network(spec, layers);
}

function statelessLayer(l: LayerSpec): Layer {
  if (l.kind === 'relu') return reluLayer();
  if (l.kind === 'maxpool2') return maxPoolLayer();
  if (l.kind === 'flatten') return flattenLayer();
  throw new Error(`not a stateless layer: ${l.kind}`);
}

/**
 * The float model with every batch norm folded into the conv before it:
 * w' = w * gamma / sqrt(var + eps), b' = (b - mean) * gamma / sqrt(var + eps) + beta.
 */
export function exportFloatModel(net: Network): FloatModel {
  const params: FloatModel['params'] = {};
  const layers = net.layers;
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i]!;
    if (!(layer instanceof ConvLayer) && !(layer instanceof LinearLayer)) continue;
    const weight = layer.weight.data.slice();
    const bias = layer.bias.data.slice();
    const next = layers[i + 1];
    if (next instanceof BatchNormLayer) {
      const outs = bias.length;
      const per = weight.length / outs;
      for (let o = 0; o < outs; o++) {
        const scale = next.gamma.data[o]! / Math.sqrt(next.state.runningVar[o]! + next.state.eps);
        for (let k = 0; k < per; k++) weight[o * per + k] = weight[o * per + k]! * scale;
        bias[o] = (bias[o]! - next.state.runningMean[o]!) * scale + next.beta.data[o]!;
      }
    }
    params[layer.name] = { weight, bias };
  }
  return { spec: net.spec, params };
}

/** A network without batch norm running the given float model (for evaluation and SD fine-tuning). */
export function networkFromFloatModel(model: FloatModel): Network {
  validateSpec(model.spec);
  const layers = model.spec.layers.map((l): Layer => {
    if (l.kind !== 'conv' && l.kind !== 'linear') return statelessLayer(l);
    const p = model.params[l.name];
    const shape = l.kind === 'conv' ? [l.outChannels, l.inChannels, l.kernel, l.kernel] : [l.outFeatures, l.inFeatures];
    const outs = shape[0]!;
    const size = shape.reduce((a, b) => a * b, 1);
    if (!p) throw new UserError(`model: no parameters for layer "${l.name}"`);
    if (p.weight.length !== size || p.bias.length !== outs) {
      throw new UserError(`model layer "${l.name}": expected a weight of ${size} values and a bias of ${outs}, found ${p.weight.length} and ${p.bias.length}`);
    }
    const w = new Tensor(p.weight.slice(), shape, true);
    const b = new Tensor(p.bias.slice(), [outs], true);
    return l.kind === 'conv' ? new ConvLayer(l.name, w, b, l.stride, l.padding) : new LinearLayer(l.name, w, b);
  });
  return new Network(model.spec, layers);
}

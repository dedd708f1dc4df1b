/**
 * IntModel layers -> the layers the engine runs. Flatten disappears (the activation layout is
 * already c-major), and a standalone ReLU max(q, z) folds into the layer before it, exactly:
 * after a requantized layer it raises the clamp's lower bound (max(clamp(v, lo, 127), z) =
 * clamp(v, max(lo, z), 127)); after a max-pool it raises the pool's lower bound.
 */
import { UserError } from '../../common/user-error.js';
import type { IntConvLayer, IntLinearLayer, IntModel } from '../quant/int-model.js';
import { INT8_MIN } from '../quant/fixed-point.js';
import type { LayerKind } from './config.js';
import { convOut } from './descriptor.js';

export type Shape3 = [number, number, number];

export interface EngineMacLayer {
  kind: Exclude<LayerKind, 'maxpool2'>;
  name: string;
  /** Index of the layer in IntModel.layers. */
  modelIndex: number;
  source: IntConvLayer | IntLinearLayer;
  inShape: Shape3;
  outShape: Shape3;
  clampLo: number;
}

export interface EnginePoolLayer {
  kind: 'maxpool2';
  name: string;
  modelIndex: number;
  inShape: Shape3;
  outShape: Shape3;
  clampLo: number;
}

export type EngineLayer = EngineMacLayer | EnginePoolLayer;

export function lowerModel(model: IntModel, where: string): EngineLayer[] {
  let shape: Shape3 = [...model.spec.inputShape];
  const out: EngineLayer[] = [];
  model.layers.forEach((l, i) => {
    const [C, H, W] = shape;
    if (l.kind === 'conv') {
      const kind = l.kernel === 3 ? 'conv3' : 'conv1';
      if (l.inChannels !== C) throw new UserError(`${where}: layer ${l.name}: expects ${l.inChannels} input channels, the previous layer gives ${C}`);
      const outShape: Shape3 = [l.outChannels, convOut(H, l.kernel, l.stride, l.padding), convOut(W, l.kernel, l.stride, l.padding)];
      out.push({ kind, name: l.name, modelIndex: i, source: l, inShape: shape, outShape, clampLo: l.clampLo });
      shape = outShape;
    } else if (l.kind === 'linear') {
      if (l.inFeatures !== C * H * W) throw new UserError(`${where}: layer ${l.name}: expects ${l.inFeatures} features, the previous layer gives ${C * H * W}`);
      const outShape: Shape3 = [l.outFeatures, 1, 1];
      out.push({ kind: 'linear', name: l.name, modelIndex: i, source: l, inShape: [C * H * W, 1, 1], outShape, clampLo: l.clampLo });
      shape = outShape;
    } else if (l.kind === 'maxpool2') {
      const name = `maxpool2 (layer ${i})`;
      if (H < 2 || W < 2) throw new UserError(`${where}: layer ${name}: needs at least a 2x2 input, found ${C}x${H}x${W}`);
      const outShape: Shape3 = [C, H >> 1, W >> 1];
      out.push({ kind: 'maxpool2', name, modelIndex: i, inShape: shape, outShape, clampLo: INT8_MIN });
      shape = outShape;
    } else if (l.kind === 'relu') {
      const prev = out[out.length - 1];
      if (!prev) throw new UserError(`${where}: layer ${i} (relu): a ReLU before the first conv, linear or max-pool layer cannot run on the engine`);
      if (prev.kind !== 'maxpool2' && prev.source.final) throw new UserError(`${where}: layer ${i} (relu): follows the final layer, whose accumulators are the logits`);
      prev.clampLo = Math.max(prev.clampLo, l.zeroPoint);
    } else {
      shape = [C * H * W, 1, 1];
    }
  });
  return out;
}

import { describe, expect, it } from 'vitest';
import { Rng } from '../../common/rng.js';
import type { FloatModel, ModelSpec } from '../model/spec.js';
import { networkFromFloatModel } from '../nn/network.js';
import { EVAL_CONTEXT } from '../nn/layers.js';
import { noGrad, Tensor } from '../tensor/tensor.js';
import { forwardFloat, pixelsToFloat } from '../quant/float-infer.js';
import { calibrateRanges } from '../quant/calibrate.js';

function randomParams(spec: ModelSpec, rng: Rng): FloatModel {
  const params: FloatModel['params'] = {};
  for (const l of spec.layers) {
    if (l.kind !== 'conv' && l.kind !== 'linear') continue;
    const n = l.kind === 'conv' ? l.outChannels * l.inChannels * l.kernel * l.kernel : l.outFeatures * l.inFeatures;
    const outs = l.kind === 'conv' ? l.outChannels : l.outFeatures;
    params[l.name] = { weight: Float32Array.from({ length: n }, () => rng.normal() * 0.3), bias: Float32Array.from({ length: outs }, () => rng.normal() * 0.1) };
  }
  return { spec, params };
}

describe('plain float inference', () => {
  it('agrees with the training core forward pass (a second implementation) on a random conv net', () => {
    const rng = new Rng(31);
    const spec: ModelSpec = {
      inputShape: [2, 9, 9], classes: 4,
      layers: [
        { kind: 'conv', name: 'a', inChannels: 2, outChannels: 3, kernel: 3, stride: 2, padding: 1 },
        { kind: 'relu' },
        { kind: 'conv', name: 'b', inChannels: 3, outChannels: 5, kernel: 1, stride: 1, padding: 0 },
        { kind: 'maxpool2' },
        { kind: 'flatten' },
        { kind: 'linear', name: 'fc', inFeatures: 20, outFeatures: 4 },
      ],
    };
    const model = randomParams(spec, rng);
    const net = networkFromFloatModel(model);
    let n = 0;
    for (let t = 0; t < 10; t++) {
      const img = Uint8Array.from({ length: 2 * 81 }, () => rng.int(0, 255));
      const mine = forwardFloat(model, pixelsToFloat(img));
      const theirs = noGrad(() => net.forward(new Tensor(pixelsToFloat(img), [1, 2, 9, 9]), EVAL_CONTEXT));
      for (let k = 0; k < 4; k++) expect(mine[k], `seed 31 image ${t}`).toBeCloseTo(theirs.data[k]!, 4);
      n++;
    }
    console.log(`compared logits of ${n} images against the training core forward pass (seed 31)`);
  });

  it('calibrates min/max and percentiles of the requantization points', () => {
    // fc is an identity on 4 pixels, so its outputs are the pixels / 255 (no ReLU)
    const spec: ModelSpec = { inputShape: [1, 2, 2], classes: 4, layers: [{ kind: 'flatten' }, { kind: 'linear', name: 'fc', inFeatures: 4, outFeatures: 4 }] };
    const eye = Float32Array.from({ length: 16 }, (_, i) => (i % 5 === 0 ? 1 : 0));
    const model: FloatModel = { spec, params: { fc: { weight: eye, bias: new Float32Array(4) } } };
    const rng = new Rng(77);
    const images = Array.from({ length: 250 }, () => Uint8Array.from({ length: 4 }, () => rng.int(0, 255)));
    const all = images.flatMap((im) => Array.from(im, (p) => Math.fround(p / 255))).sort((x, y) => x - y);
    const mm = calibrateRanges(model, images).get(1)!;
    expect(mm.min).toBeCloseTo(all[0]!, 6);
    expect(mm.max).toBeCloseTo(all[all.length - 1]!, 6);
    const pc = calibrateRanges(model, images, { method: 'percentile', percentile: 90 }).get(1)!;
    expect(pc.max).toBeCloseTo(all[Math.round(0.9 * (all.length - 1))]!, 6);
    expect(pc.min).toBeCloseTo(all[Math.round(0.1 * (all.length - 1))]!, 6);
  });
});

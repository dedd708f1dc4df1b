import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../../common/rng.js';
import { saveCheckpoint } from '../checkpoint/checkpoint.js';
import { loadDataset } from '../data/load.js';
import { subset } from '../data/dataset.js';
import type { FloatModel } from '../model/spec.js';
import { decomposeLayer } from '../sd/decompose.js';
import { effectiveFloatModel } from '../quant/quantize.js';
import { floatAccuracy, intAccuracy } from '../quant/accuracy.js';
import { runQuantize } from '../quant/cli.js';
import { loadIntModel } from '../quant/int-model-io.js';
import type { IntLinearLayer } from '../quant/int-model.js';

const dir = mkdtempSync(join(tmpdir(), 'quant-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A random (untrained) 784-16-10 MLP; accuracy is near chance but the arithmetic is all exercised. */
function randomMlp(rng: Rng): FloatModel {
  const mk = (n: number, s: number) => Float32Array.from({ length: n }, () => rng.normal() * s);
  return {
    spec: {
      inputShape: [1, 28, 28], classes: 10,
      layers: [{ kind: 'flatten' }, { kind: 'linear', name: 'fc1', inFeatures: 784, outFeatures: 16 }, { kind: 'relu' }, { kind: 'linear', name: 'fc2', inFeatures: 16, outFeatures: 10 }],
    },
    params: { fc1: { weight: mk(16 * 784, 0.05), bias: mk(16, 0.1) }, fc2: { weight: mk(160, 0.3), bias: mk(10, 0.1) } },
  };
}

describe('smartdeal quantize', () => {
  it('writes an IntModel whose reloaded accuracy matches the report, for the SD form of a checkpoint', () => {
    const rng = new Rng(12);
    const model = randomMlp(rng);
    const sdLayer = decomposeLayer('fc1', model.params.fc1!.weight, [16, 784])!;
    const ckptPath = join(dir, 'm.ckpt');
    saveCheckpoint(ckptPath, { model, sd: { model: effectiveFloatModel(model, [sdLayer]), layers: { fc1: sdLayer } }, meta: { data: 'mnist' } });
    const out = join(dir, 'int.json');
    const report = runQuantize({
      ckpt: ckptPath, out, form: 'auto', calib: '50', calibration: 'percentile', percentile: '99.9', multiplierBits: '16',
      weightScale: 'channel', testLimit: '200', report: join(dir, 'report.json'), prune: '0', threshold: '0.015625',
    });
    const im = loadIntModel(out);
    const test = subset(loadDataset('mnist', 'test'), 0, 200);
    const again = intAccuracy(im, test);
    expect(report.intAccuracy).toBe(again.accuracy);
    expect(report.form).toBe('sd');
    expect((im.layers[1] as IntLinearLayer).sd).toBeDefined();
    expect((im.layers[2] as IntLinearLayer).sd).toBeUndefined();
    expect(report.floatAccuracy).toBe(floatAccuracy(effectiveFloatModel(model, [sdLayer]), test).accuracy);
    expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')).count).toBe(200);
    console.log(`compared reloaded int model accuracy ${again.accuracy} with the report on 200 images`);
  });

  it('rejects a tampered integer model, naming the layer and field', () => {
    const im = loadIntModel(join(dir, 'int.json'));
    const fc1 = im.layers[1] as IntLinearLayer;
    fc1.weights[5] = fc1.weights[5]! === 127 ? 126 : fc1.weights[5]! + 1;
    writeFileSync(join(dir, 'bad1.json'), JSON.stringify(im));
    expect(() => loadIntModel(join(dir, 'bad1.json'))).toThrow(/layer 1 "fc1": weights\[5\] = .* but the SD codes rebuild to/);
    const fc2 = loadIntModel(join(dir, 'int.json')).layers[2] as IntLinearLayer;
    const im2 = loadIntModel(join(dir, 'int.json'));
    (im2.layers[2] as IntLinearLayer).weights = [...fc2.weights.slice(0, -1), 300];
    writeFileSync(join(dir, 'bad2.json'), JSON.stringify(im2));
    expect(() => loadIntModel(join(dir, 'bad2.json'))).toThrow(/layer 2 "fc2": 'weights'\[159\] must be an integer in \[-128, 127\], found 300/);
    writeFileSync(join(dir, 'bad3.json'), '{"format": "other"}');
    expect(() => loadIntModel(join(dir, 'bad3.json'))).toThrow(/expected format "smartdeal-int-model" version 1/);
  });

  it('--form post-sd decomposes every layer of the float model before quantizing', () => {
    const out = join(dir, 'post.json');
    const report = runQuantize({
      ckpt: join(dir, 'm.ckpt'), out, form: 'post-sd', calib: '20', calibration: 'minmax', percentile: '99', multiplierBits: '16',
      weightScale: 'layer', testLimit: '50', prune: '0', threshold: '0.03',
    });
    const im = loadIntModel(out);
    expect(report.form).toBe('post-sd');
    expect(im.layers.filter((l) => 'sd' in l && l.sd !== undefined).map((l) => (l as IntLinearLayer).name)).toEqual(['fc1', 'fc2']);
  });

  it('reports bad options clearly', () => {
    const base = { ckpt: join(dir, 'm.ckpt'), out: join(dir, 'x.json'), form: 'auto', calib: '10', calibration: 'minmax', percentile: '99', multiplierBits: '16', weightScale: 'channel', testLimit: '10', prune: '0', threshold: '0.015625' };
    expect(() => runQuantize({ ...base, calibration: 'mean' })).toThrow(/--calibration: expected one of minmax, percentile, got 'mean'/);
    expect(() => runQuantize({ ...base, multiplierBits: '40' })).toThrow(/--multiplier-bits: expected an integer in 8..22/);
    expect(() => runQuantize({ ...base, ckpt: join(dir, 'none.ckpt') })).toThrow(/none\.ckpt: cannot read the checkpoint/);
  });
});

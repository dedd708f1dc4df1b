import { describe, expect, it } from 'vitest';
import { Rng } from '../../common/rng.js';
import type { LayerSpec } from '../model/spec.js';
import { runInt } from '../quant/int-infer.js';
import { isMacLayer, type IntModel } from '../quant/int-model.js';
import { checkIntModel } from '../quant/int-model-io.js';
import { loadDataset } from '../data/load.js';
import { imageSize } from '../data/dataset.js';
import { parseConfig, type EngineConfig, type LoadedConfig } from '../engine/config.js';
import { packModel } from '../engine/pack.js';
import { inputActImage } from '../engine/act-alloc.js';
import { GoldenEngine } from '../engine/golden.js';
import { randomImages, randomIntModel, specOf, type RandomModelOptions } from '../engine/random-model.js';
import { checkGoldenAgainstRunInt } from '../engine/verify.js';
import defaultJson from '../../configs/default.json' with { type: 'json' };

function config(over: Partial<EngineConfig>): LoadedConfig {
  return parseConfig({ ...defaultJson, ...over }, 'test-config.json');
}

/** Every layer kind, stride 1 and 2, padding 0 and 1, a standalone ReLU folded into a pool, a final linear layer. */
const MIXED: LayerSpec[] = [
  { kind: 'conv', name: 'c1', inChannels: 2, outChannels: 5, kernel: 3, stride: 1, padding: 1 },
  { kind: 'relu' },
  { kind: 'conv', name: 'c2', inChannels: 5, outChannels: 6, kernel: 3, stride: 2, padding: 1 },
  { kind: 'relu' },
  { kind: 'conv', name: 'c3', inChannels: 6, outChannels: 7, kernel: 1, stride: 1, padding: 0 },
  { kind: 'maxpool2' },
  { kind: 'relu' },
  { kind: 'conv', name: 'c4', inChannels: 7, outChannels: 5, kernel: 3, stride: 1, padding: 0 },
  { kind: 'flatten' },
  { kind: 'linear', name: 'fc1', inFeatures: 5, outFeatures: 8 },
  { kind: 'relu' },
  { kind: 'linear', name: 'fc2', inFeatures: 8, outFeatures: 4 },
];
const MIXED_SPEC = specOf([2, 12, 12], 4, MIXED);

/** A final conv layer (logits = every accumulator), a 1x1 conv with stride 2 and padding 1. */
const CONV_FINAL = specOf([3, 9, 9], 2 * 4 * 4, [
  { kind: 'conv', name: 'a', inChannels: 3, outChannels: 10, kernel: 1, stride: 2, padding: 1 },
  { kind: 'relu' },
  { kind: 'conv', name: 'b', inChannels: 10, outChannels: 2, kernel: 3, stride: 1, padding: 0 },
]);

interface Case { what: string; seed: number; model: RandomModelOptions; configs: Partial<EngineConfig>[] }

const SD_CONFIGS: Partial<EngineConfig>[] = [{}, { peRows: 3, peCols: 4 }, { peRows: 1, peCols: 1 }, { peRows: 8, peCols: 16, ceExpBits: 4 }];
const DENSE_CONFIGS: Partial<EngineConfig>[] = [{ mode: 'dense' }, { mode: 'dense', peRows: 3, peCols: 4 }, { mode: 'dense', peRows: 1, peCols: 1 }];

const CASES: Case[] = [
  { what: 'dense model', seed: 11, model: { spec: MIXED_SPEC, sd: false }, configs: DENSE_CONFIGS },
  { what: 'SD, no row pruned', seed: 12, model: { spec: MIXED_SPEC, sd: true, groupSize: 4, blockRows: 6 }, configs: [...SD_CONFIGS, ...DENSE_CONFIGS] },
  { what: 'SD, groups pruned 40%, group size 3', seed: 13, model: { spec: MIXED_SPEC, sd: true, groupSize: 3, blockRows: 9, pruneFraction: 0.4 }, configs: SD_CONFIGS },
  { what: 'SD, every row of the last group pruned', seed: 14, model: { spec: MIXED_SPEC, sd: true, groupSize: 2, blockRows: 6, pruneWholeGroup: true }, configs: SD_CONFIGS },
  { what: 'SD, extreme exponent fields, saturating rebuilds and outputs', seed: 15, model: { spec: MIXED_SPEC, sd: true, groupSize: 4, blockRows: 4, extremeCodes: true, saturateOutputs: true }, configs: [...SD_CONFIGS, { mode: 'dense' }] },
  { what: 'final conv layer, conv1 stride 2 padding 1', seed: 16, model: { spec: CONV_FINAL, sd: true, groupSize: 4, blockRows: 4, pruneFraction: 0.3 }, configs: [{ logitsDepth: 32 }, { peRows: 3, peCols: 4, logitsDepth: 32 }, { mode: 'dense', peCols: 8, logitsDepth: 32 }] },
];

describe('golden model on packed images equals runInt', () => {
  for (const k of CASES) {
    it(k.what, () => {
      const rng = new Rng(k.seed);
      const model = randomIntModel(rng, k.model);
      checkIntModel(model, `random model (seed ${k.seed})`);
      const [C, H, W] = k.model.spec.inputShape;
      const images = randomImages(rng, 12, C * H * W);
      let compared = 0;
      for (const over of k.configs) {
        const packed = packModel(model, config(over), `seed ${k.seed}`);
        const r = checkGoldenAgainstRunInt(packed, model, images);
        expect(r.firstMismatch, `seed ${k.seed}, config ${JSON.stringify(over)}`).toBeUndefined();
        expect(r.identical).toBe(images.length);
        compared += r.compared;
      }
      console.log(`compared logits of ${compared} runs (${images.length} images x ${k.configs.length} configurations) with runInt: ${k.what}, seed ${k.seed}`);
    });
  }

  it('the extreme case really saturates rebuilt weights and outputs', () => {
    const model = randomIntModel(new Rng(15), CASES[4]!.model);
    const weights = model.layers.filter(isMacLayer).flatMap((l) => l.weights);
    expect(weights.filter((w) => w === 127).length).toBeGreaterThan(0);
    expect(weights.filter((w) => w === -128).length).toBeGreaterThan(0);
    const prunedGroupModel = randomIntModel(new Rng(14), CASES[3]!.model);
    const packed = packModel(prunedGroupModel, config({}), 'seed 14');
    const kept = packed.layers.flatMap((l) => l.keptRows ?? []);
    expect(kept).toContain(0);
    console.log(`compared weight extremes of ${weights.length} weights; kept rows per group ${kept.join(',')}`);
  });

  it('counts MACs, skipped rows and reads like the loop nest written out by hand', () => {
    const rng = new Rng(21);
    const model = randomIntModel(rng, { spec: MIXED_SPEC, sd: true, groupSize: 3, blockRows: 9, pruneFraction: 0.4 });
    const img = randomImages(rng, 1, 2 * 12 * 12)[0]!;
    for (const over of [{}, { mode: 'dense' as const }, { peRows: 3, peCols: 4 }]) {
      const packed = packModel(model, config(over), 'seed 21');
      const g = new GoldenEngine(packed.config, packed.images).run(inputActImage(packed.map, packed.act, img));
      const P = packed.config.peRows;
      const Pc = packed.config.peCols;
      let macs = 0;
      let skipped = 0;
      let pool = 0;
      let ceReads = 0;
      let idxReads = 0;
      packed.layers.forEach((pl, i) => {
        const l = model.layers[pl.modelIndex]!;
        const d = pl.descriptor;
        if (l.kind === 'maxpool2') { pool += d.C * d.outH * d.outW; return; }
        if (!isMacLayer(l)) return;
        const pixelTiles = d.outH * Math.ceil(d.outW / Pc);
        // every output pixel and output channel meets every kept row's valid columns
        const inputsPerRow = (r: number): number => (l.kind === 'conv' && l.kernel === 3 ? 3 : Math.min(3, l.kind === 'conv' ? l.inChannels - 3 * r : l.inFeatures - 3 * r));
        const G = packed.config.mode === 'sd' ? Math.min(l.sd!.groupSize, d.O) : d.O;
        for (let g0 = 0, gi = 0; g0 < d.O; g0 += G, gi++) {
          const outs = Math.min(d.O, g0 + G) - g0;
          const tiles = Math.ceil(outs / P);
          const rows = packed.config.mode === 'sd'
            ? Array.from({ length: d.rows }, (_, r) => r).filter((r) => Array.from({ length: outs }, (_, k) => g0 + k).some((o) => {
              const per = d.rows;
              return Array.from({ length: 3 }, (_, j) => j).some((j) => {
                const blk = Math.floor(r / l.sd!.layout.blockRows);
                return l.sd!.blocks[o]![blk]!.codes[(r - blk * l.sd!.layout.blockRows) * 3 + j] !== 0 && per > 0;
              });
            }))
            : Array.from({ length: d.rows }, (_, r) => r);
          expect(pl.keptRows?.[gi] ?? rows.length, `layer ${i} group ${gi}`).toBe(rows.length);
          for (const r of rows) macs += outs * d.outH * d.outW * inputsPerRow(r);
          skipped += tiles * pixelTiles * (d.rows - rows.length);
          ceReads += tiles * pixelTiles * rows.length;
          idxReads += tiles * pixelTiles * (1 + rows.length); // count word + entries on every walk
        }
      });
      expect(g.events.macs).toBe(macs);
      expect(g.events.rowsSkipped).toBe(skipped);
      expect(g.events.poolOutputs).toBe(pool);
      expect(g.events.memories[packed.config.mode === 'sd' ? 'CE' : 'W']!.readWords).toBe(ceReads);
      if (packed.config.mode === 'sd') expect(g.events.memories.IDX!.readWords).toBe(idxReads);
      console.log(`compared event counts (${macs} MACs, ${skipped} rows skipped, ${ceReads} weight words read) with a hand-written loop nest, config ${JSON.stringify(over)}`);
    }
  });

  it('stops with an error code on malformed descriptors and never runs past DESC', () => {
    const model = randomIntModel(new Rng(31), { spec: MIXED_SPEC, sd: true, groupSize: 4, blockRows: 6 });
    const lc = config({});
    const packed = packModel(model, lc, 'seed 31');
    const act = inputActImage(packed.map, packed.act, randomImages(new Rng(32), 1, 2 * 12 * 12)[0]!);
    const run = (mutate: (desc: bigint[]) => void): ReturnType<GoldenEngine['run']> => {
      const desc = [...packed.images.DESC![0]!];
      mutate(desc);
      return new GoldenEngine(packed.config, { ...packed.images, DESC: [desc] }).run(act);
    };
    const words = packed.desc.words;
    // layer 0 claims stride 3: its output shape no longer follows (code 2)
    expect(run((d) => { d[0] = d[0]! | (3n << 3n); }).error?.code).toBe(2);
    // the final flag of the last layer cleared: the walk reads zero descriptors (empty shapes, code 2)
    const last = packed.layers.length - 1;
    expect(run((d) => { d[last * words] = d[last * words]! & ~(1n << 2n); }).error?.code).toBe(2);
    // a configuration without conv1 refuses the conv1 layer (code 1)
    const noConv1 = new GoldenEngine({ ...packed.config, layerKinds: ['conv3', 'linear', 'maxpool2'] }, packed.images).run(act);
    expect(noConv1.error?.code).toBe(1);
    expect(noConv1.error?.layer).toBe(2);
    console.log('compared error codes of 3 malformed runs');
  });

  it('mnist-small shapes with random weights on real MNIST test images', () => {
    const rng = new Rng(41);
    const spec = specOf([1, 28, 28], 10, [
      { kind: 'conv', name: 'conv1', inChannels: 1, outChannels: 8, kernel: 3, stride: 1, padding: 1 },
      { kind: 'relu' }, { kind: 'maxpool2' },
      { kind: 'conv', name: 'conv2', inChannels: 8, outChannels: 16, kernel: 3, stride: 1, padding: 1 },
      { kind: 'relu' }, { kind: 'maxpool2' }, { kind: 'flatten' },
      { kind: 'linear', name: 'fc', inFeatures: 784, outFeatures: 10 },
    ]);
    const model: IntModel = randomIntModel(rng, { spec, sd: true, pruneFraction: 0.25 });
    const test = loadDataset('mnist', 'test');
    const size = imageSize(test);
    const images = Array.from({ length: 20 }, (_, i) => test.pixels.subarray(i * size, (i + 1) * size));
    for (const over of [{}, { mode: 'dense' as const }]) {
      const r = checkGoldenAgainstRunInt(packModel(model, config(over), 'mnist-small'), model, images);
      expect(r.firstMismatch).toBeUndefined();
      expect(r.identical).toBe(images.length);
    }
    const r0 = runInt(model, images[0]!);
    console.log(`compared logits of 2 x ${images.length} MNIST test images on mnist-small shapes (fc: 2 blocks of rows), e.g. label ${r0.label}`);
  });
});

/**
 * Malformed descriptors on the Verilated engine: each one is written over a packed model's DESC
 * words through the host bus; the RTL must stop with the error code and layer the golden model
 * reports for the same images (sw/engine/descriptor.ts descriptorError), and the next good run
 * must be exact again. Kinds outside `layerKinds` are tested on an engine built without conv1.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Rng } from '../../common/rng.js';
import type { EngineHost } from '../engine/host-driver.js';
import { simulateEngine } from '../engine/simulate.js';
import { E2E_SPECS, compareImage } from '../engine/host-check.js';
import type { Simulation } from '../../verif/index.js';
import { parseConfig } from '../../sw/engine/config.js';
import { ERROR_CODES, type Descriptor } from '../../sw/engine/descriptor.js';
import { loadDesc, withDescriptor } from './helpers/descriptors.js';
import { packModel } from '../../sw/engine/pack.js';
import { randomImages, randomIntModel } from '../../sw/engine/random-model.js';
import defaultJson from '../../configs/default.json' with { type: 'json' };

const SEED = 41;
const lc = parseConfig(defaultJson, 'configs/default.json');
const rng = new Rng(SEED);
const model = randomIntModel(rng, { spec: E2E_SPECS.mixed, sd: true, groupSize: 4, blockRows: 6, pruneFraction: 0.3 });
const image = randomImages(rng, 1, 2 * 10 * 10)[0]!;

describe('malformed descriptors stop the engine with the documented error codes', () => {
  let sim: Simulation;
  let host: EngineHost;
  const packed = packModel(model, lc, `seed ${SEED}`);
  beforeAll(async () => {
    ({ sim, host } = await simulateEngine(lc.config));
    host.loadModel(packed.images, packed.used);
  }, 120_000);
  afterAll(() => sim?.close());

  const layers = packed.layers;
  const d = (i: number): Descriptor => layers[i]!.descriptor;
  const actBytes = lc.config.actDepth * lc.config.peCols;
  const cases: { what: string; layer: number; change: Partial<Descriptor>; code: number }[] = [
    { what: 'empty input (C = 0)', layer: 0, change: { C: 0 }, code: ERROR_CODES.shape },
    { what: 'input past the activation memory', layer: 1, change: { actIn: actBytes - 8 }, code: ERROR_CODES.address },
    { what: 'output height that does not follow from the input', layer: 2, change: { outH: d(2).outH + 1 }, code: ERROR_CODES.shape },
    { what: 'final max-pool', layer: 3, change: { final: true }, code: ERROR_CODES.shape },
    { what: 'rows not matching C', layer: 4, change: { rows: d(4).rows + 1 }, code: ERROR_CODES.shape },
    { what: 'zero B words per output', layer: 4, change: { blocksPerOutput: 0 }, code: ERROR_CODES.shape },
    { what: 'channels past BIAS', layer: 5, change: { chanBase: lc.config.biasDepth - 2 }, code: ERROR_CODES.address },
    { what: 'B words past the B memory', layer: 0, change: { bBase: lc.config.bDepth - 3 }, code: ERROR_CODES.address },
    { what: 'linear layer with stride 2', layer: 4, change: { stride: 2 }, code: ERROR_CODES.shape },
    { what: 'no final layer (the walk reads zero descriptors)', layer: 5, change: { final: false }, code: ERROR_CODES.shape },
    { what: 'outputs past LOGITS', layer: 5, change: { O: 20, chanBase: 0 }, code: ERROR_CODES.address },
  ];
  for (const k of cases) {
    test(k.what, () => {
      const bad = withDescriptor(packed, k.layer, k.change);
      loadDesc(host, bad);
      const r = compareImage(host, bad, image, `${k.what} (seed ${SEED})`);
      expect(r.golden.error?.code, 'the golden model agrees on the code').toBe(k.code);
      expect(r.mismatches).toEqual([]);
      expect(r.rtl.code).toBe(k.code);
      loadDesc(host, packed);
      const good = compareImage(host, packed, image, `good run after ${k.what}`);
      expect(good.mismatches).toEqual([]);
      console.log(`compared ${r.compared + good.compared} values: ${k.what} -> error ${r.rtl.code} at layer ${r.rtl.layer}, then an exact run (seed ${SEED})`);
    });
  }

  test('stride 3 and padding 2 are refused by the RTL (shape error; the address generator runs stride 1-2, padding 0-1)', () => {
    for (const change of [{ stride: 3 }, { padding: 2 }] as Partial<Descriptor>[]) {
      loadDesc(host, withDescriptor(packed, 0, change));
      host.loadActivations(Array.from(image, (p) => p - 128));
      const r = host.run({ timeoutCycles: 100_000, logits: 0 });
      expect([r.status, r.code, r.layer]).toEqual(['error', ERROR_CODES.shape, 0]);
    }
    loadDesc(host, packed);
    console.log('compared 2 RTL-only refusals: stride 3 and padding 2 give error 2 at layer 0');
  });
});

describe('kinds outside layerKinds', () => {
  const noConv1 = parseConfig({ ...defaultJson, layerKinds: ['conv3', 'linear', 'maxpool2'] }, 'default.json without conv1');
  let sim: Simulation;
  afterAll(() => sim?.close());
  test('a conv1 layer on an engine built without conv1 stops with error 1 at that layer', async () => {
    let host: EngineHost;
    ({ sim, host } = await simulateEngine(noConv1.config));
    const packed = packModel(model, lc, `seed ${SEED}`);
    host.loadModel(packed.images, packed.used);
    const r = compareImage(host, { ...packed, config: noConv1.config }, image, `conv1 on ${noConv1.source}`);
    expect(r.golden.error).toMatchObject({ code: ERROR_CODES.unknownKind, layer: 2 });
    expect(r.mismatches).toEqual([]);
    console.log(`compared ${r.compared} values: conv1 layer 2 -> error ${r.rtl.code} at layer ${r.rtl.layer}`);
  }, 120_000);
});

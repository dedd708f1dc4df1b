/**
 * The energy model fed by the RTL: the engine runs on Verilator (configs/default.json, sd, and
 * configs/dense.json), its 16 CSR counters become events (sw/energy/counters.ts), and the energy
 * breakdown must equal, part by part, the one from the golden model's events for the same image.
 * Cases: a seeded random model with every layer kind, and the shipped MNIST model on a real test
 * image (the SD model on the SD engine, the dense int8 model of the same network on the dense one).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Rng } from '../../common/rng.js';
import { imageSize } from '../../sw/data/dataset.js';
import { loadDataset } from '../../sw/data/load.js';
import { loadConfig, type LoadedConfig } from '../../sw/engine/config.js';
import { packModel } from '../../sw/engine/pack.js';
import { randomImages, randomIntModel } from '../../sw/engine/random-model.js';
import { eventsFromCounters } from '../../sw/energy/counters.js';
import { SCENARIOS, energyOfEvents, footprintOf } from '../../sw/energy/model.js';
import { SHIPPED_CHECKPOINT, loadSdCheckpoint, quantizeForEngines, type FlowModels } from '../../sw/flow/model.js';
import type { IntModel } from '../../sw/quant/int-model.js';
import type { Simulation } from '../../verif/index.js';
import { E2E_SPECS, compareImage } from '../engine/host-check.js';
import type { EngineHost } from '../engine/host-driver.js';
import { simulateEngine } from '../engine/simulate.js';

const SEED = 51;

let mnist: { models: FlowModels; pixels: Uint8Array; label: number } | undefined;
function shippedMnist(): NonNullable<typeof mnist> {
  if (!mnist) {
    const test = loadDataset('mnist', 'test');
    const size = imageSize(test);
    mnist = { models: quantizeForEngines(loadSdCheckpoint(SHIPPED_CHECKPOINT), loadDataset('mnist', 'train')), pixels: test.pixels.slice(0, size), label: test.labels[0]! };
  }
  return mnist;
}

/** Runs one image on the RTL and compares the energy from its counters with the golden model's. */
function compareEnergy(host: EngineHost, lc: LoadedConfig, model: IntModel, pixels: Uint8Array, what: string): number {
  const packed = packModel(model, lc, what);
  host.loadModel(packed.images, packed.used);
  const run = compareImage(host, packed, pixels, what);
  expect(run.mismatches.slice(0, 10), what).toEqual([]);
  const fromRtl = eventsFromCounters(run.rtl.counters, lc.config, packed);
  let parts = 0;
  for (const scenario of SCENARIOS) {
    const opts = { scenario, footprint: footprintOf(packed) };
    const golden = energyOfEvents(run.golden.events, lc.config, opts);
    const rtl = energyOfEvents(fromRtl, lc.config, opts);
    expect(rtl.parts.map((p) => p.name), `${what} ${scenario}`).toEqual(golden.parts.map((p) => p.name));
    golden.parts.forEach((p, i) => {
      const q = rtl.parts[i]!;
      expect({ events: q.events, pj: q.pj }, `${what} ${scenario} ${p.name}`).toEqual({ events: p.events, pj: p.pj });
      parts++;
    });
    expect(rtl.totalPj, `${what} ${scenario} total`).toBe(golden.totalPj);
    console.log(`  ${what}, ${scenario}: ${(rtl.totalPj / 1000).toFixed(3)} nJ from RTL counters = golden`);
  }
  return parts;
}

for (const file of ['configs/default.json', 'configs/dense.json']) {
  const lc = loadConfig(file);
  describe(`energy from RTL counters equals energy from golden events, ${file}`, () => {
    let sim: Simulation;
    let host: EngineHost;
    beforeAll(async () => {
      ({ sim, host } = await simulateEngine(lc.config, { echo: false }));
    }, 240_000);
    afterAll(() => sim?.close());

    test(`random model with every layer kind, seed ${SEED}`, () => {
      const rng = new Rng(SEED);
      const sd = lc.config.mode === 'sd';
      const model = randomIntModel(rng, { spec: E2E_SPECS.mixed, sd, groupSize: 4, blockRows: 6, pruneFraction: 0.3 });
      const [C, H, W] = E2E_SPECS.mixed.inputShape;
      const parts = compareEnergy(host, lc, model, randomImages(rng, 1, C * H * W)[0]!, `seed ${SEED}, ${lc.config.mode}`);
      console.log(`compared ${parts} energy parts (events and pJ) of 2 scenarios, RTL counters against golden events: random model, seed ${SEED}, ${file}`);
    });

    test('shipped MNIST model on test image 0', () => {
      const m = shippedMnist();
      const model = lc.config.mode === 'sd' ? m.models.sd : m.models.dense;
      const parts = compareEnergy(host, lc, model, m.pixels, `MNIST test image 0 (label ${m.label}), ${lc.config.mode}`);
      console.log(`compared ${parts} energy parts (events and pJ) of 2 scenarios, RTL counters against golden events: ${SHIPPED_CHECKPOINT}, ${file}`);
    });
  });
}

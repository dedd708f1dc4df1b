/**
 * End to end on Verilator, dense baseline (config mode 'dense': the same generator and PE array,
 * int8 W words, no rebuild engine, no index): the same random models and comparisons as the SD
 * engine (engine-e2e-sd.test.ts): logits, label, every CSR counter and the cycle count against
 * the golden model, its events and the cycle model.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Rng } from '../../common/rng.js';
import { elaborate } from '../dsl/index.js';
import { emitVerilog } from '../emit/index.js';
import { EngineTop } from '../engine/engine-top.js';
import { EngineHost } from '../engine/host-driver.js';
import { E2E_SPECS, compareModel } from '../engine/host-check.js';
import { Simulation, fromEmitted } from '../../verif/index.js';
import { parseConfig, type EngineConfig } from '../../sw/engine/config.js';
import { randomImages, randomIntModel, type RandomModelOptions } from '../../sw/engine/random-model.js';
import denseJson from '../../configs/dense.json' with { type: 'json' };

interface Case { what: string; seed: number; model: RandomModelOptions }

const CASES: Case[] = [
  { what: 'mixed, dense weights', seed: 31, model: { spec: E2E_SPECS.mixed, sd: false } },
  { what: 'mixed, SD model with pruned rows (zeros in W)', seed: 32, model: { spec: E2E_SPECS.mixed, sd: true, groupSize: 3, blockRows: 6, pruneFraction: 0.4 } },
  { what: 'mixed, saturating outputs', seed: 33, model: { spec: E2E_SPECS.mixed, sd: false, saturateOutputs: true } },
  { what: 'final conv3 (32 logits), conv1 stride 2 padding 1', seed: 34, model: { spec: E2E_SPECS.convFinal, sd: false } },
];

const SHAPES: Partial<EngineConfig>[] = [{}, { peRows: 3, peCols: 4 }];
const IMAGES = 2;

for (const shape of SHAPES) {
  const lc = parseConfig({ ...denseJson, logitsDepth: 32, ...shape }, `dense.json + ${JSON.stringify({ logitsDepth: 32, ...shape })}`);
  describe(`dense engine ${lc.config.peRows}x${lc.config.peCols} against the golden model`, () => {
    let sim: Simulation;
    let host: EngineHost;
    beforeAll(async () => {
      sim = await Simulation.create(fromEmitted(emitVerilog(elaborate(EngineTop({ config: lc.config })))));
      host = new EngineHost(sim, lc.config);
      host.reset();
    }, 120_000);
    afterAll(() => sim?.close());

    for (const k of CASES) {
      test(k.what, () => {
        const rng = new Rng(k.seed);
        const model = randomIntModel(rng, k.model);
        const [C, H, W] = k.model.spec.inputShape;
        const r = compareModel(host, model, lc, randomImages(rng, IMAGES, C * H * W), `seed ${k.seed}, ${lc.source}`);
        expect(r.mismatches.slice(0, 10), `seed ${k.seed}`).toEqual([]);
        console.log(`compared ${r.compared} values (logits, label, 16 counters, cycles) of ${IMAGES} images with the golden model: ${k.what}, seed ${k.seed}, dense ${lc.config.peRows}x${lc.config.peCols}, ${r.cycles} cycles`);
      });
    }
  });
}

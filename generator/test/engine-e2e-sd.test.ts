/**
 * End to end on Verilator, SD engine: random small integer models (sw/engine/random-model.ts,
 * fixed seeds) are packed, loaded through the host bus and run; logits, label, every CSR counter
 * and the cycle count must equal the golden model (sw/engine/golden.ts), its events and the cycle
 * model (sw/engine/cycle-model.ts). Three engine shapes: P_o x P_c = 4x2 (default), 3x4, 1x1.
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
import defaultJson from '../../configs/default.json' with { type: 'json' };

interface Case { what: string; seed: number; model: RandomModelOptions }

const SD_CASES: Case[] = [
  { what: 'mixed, 30% of rows pruned per group of 4, 3 blocks', seed: 21, model: { spec: E2E_SPECS.mixed, sd: true, groupSize: 4, blockRows: 6, pruneFraction: 0.3 } },
  { what: 'mixed, groups of 3 (narrow tiles), half the rows pruned', seed: 22, model: { spec: E2E_SPECS.mixed, sd: true, groupSize: 3, blockRows: 9, pruneFraction: 0.5 } },
  { what: 'mixed, every row of the last group pruned', seed: 23, model: { spec: E2E_SPECS.mixed, sd: true, groupSize: 2, blockRows: 6, pruneWholeGroup: true } },
  { what: 'mixed, extreme codes, saturating rebuilds and outputs', seed: 24, model: { spec: E2E_SPECS.mixed, sd: true, groupSize: 4, blockRows: 4, extremeCodes: true, saturateOutputs: true } },
  { what: 'final conv3 (32 logits), conv1 stride 2 padding 1', seed: 25, model: { spec: E2E_SPECS.convFinal, sd: true, groupSize: 4, blockRows: 4, pruneFraction: 0.3 } },
];

const SHAPES: Partial<EngineConfig>[] = [{}, { peRows: 3, peCols: 4 }, { peRows: 1, peCols: 1 }];
const IMAGES = 2;

for (const shape of SHAPES) {
  const lc = parseConfig({ ...defaultJson, logitsDepth: 32, ...shape }, `default.json + ${JSON.stringify({ logitsDepth: 32, ...shape })}`);
  describe(`SD engine ${lc.config.peRows}x${lc.config.peCols} against the golden model`, () => {
    let sim: Simulation;
    let host: EngineHost;
    beforeAll(async () => {
      sim = await Simulation.create(fromEmitted(emitVerilog(elaborate(EngineTop({ config: lc.config })))));
      host = new EngineHost(sim, lc.config);
      host.reset();
    }, 120_000);
    afterAll(() => sim?.close());

    for (const k of SD_CASES) {
      test(k.what, () => {
        const rng = new Rng(k.seed);
        const model = randomIntModel(rng, k.model);
        const [C, H, W] = k.model.spec.inputShape;
        const r = compareModel(host, model, lc, randomImages(rng, IMAGES, C * H * W), `seed ${k.seed}, ${lc.source}`);
        expect(r.mismatches.slice(0, 10), `seed ${k.seed}`).toEqual([]);
        console.log(`compared ${r.compared} values (logits, label, 16 counters, cycles) of ${IMAGES} images with the golden model: ${k.what}, seed ${k.seed}, ${lc.config.peRows}x${lc.config.peCols}, ${r.cycles} cycles`);
      });
    }
  });
}

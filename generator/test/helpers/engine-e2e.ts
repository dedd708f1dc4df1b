/**
 * The body shared by the SD and dense end-to-end tests: for each engine shape, build the engine on
 * Verilator once, then pack and run each random model (fixed seed) and compare logits, label, every
 * CSR counter and the cycle count with the golden model, its events and the cycle model.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Rng } from '../../../common/rng.js';
import type { EngineHost } from '../../engine/host-driver.js';
import { simulateEngine } from '../../engine/simulate.js';
import { compareModel } from '../../engine/host-check.js';
import type { Simulation } from '../../../verif/index.js';
import { parseConfig, type EngineConfig } from '../../../sw/engine/config.js';
import { randomImages, randomIntModel, type RandomModelOptions } from '../../../sw/engine/random-model.js';

export interface EngineCase { what: string; seed: number; model: RandomModelOptions }

export function describeEngineAgainstGolden(o: {
  label: string; baseName: string; baseJson: object; shapes: Partial<EngineConfig>[]; cases: EngineCase[]; images: number;
  /** SPRAMs of the target (engine-top.ts); 0 builds the iCE40HX memories (ACT as one block RAM per bank). */
  sprams?: number;
}): void {
  for (const shape of o.shapes) {
    const lc = parseConfig({ ...o.baseJson, logitsDepth: 32, ...shape }, `${o.baseName} + ${JSON.stringify({ logitsDepth: 32, ...shape })}`);
    const shapeText = `${lc.config.peRows}x${lc.config.peCols}`;
    describe(`${o.label} engine ${shapeText} against the golden model`, () => {
      let sim: Simulation;
      let host: EngineHost;
      beforeAll(async () => {
        ({ sim, host } = await simulateEngine(lc.config, {}, o.sprams));
      }, 120_000);
      afterAll(() => sim?.close());

      for (const k of o.cases) {
        test(k.what, () => {
          const rng = new Rng(k.seed);
          const model = randomIntModel(rng, k.model);
          const [C, H, W] = k.model.spec.inputShape;
          const r = compareModel(host, model, lc, randomImages(rng, o.images, C * H * W), `seed ${k.seed}, ${lc.source}`);
          expect(r.mismatches.slice(0, 10), `seed ${k.seed}`).toEqual([]);
          console.log(`compared ${r.compared} values (logits, label, 16 counters, cycles) of ${o.images} images with the golden model: ${k.what}, seed ${k.seed}, ${o.label} ${shapeText}, ${r.cycles} cycles`);
        });
      }
    });
  }
}

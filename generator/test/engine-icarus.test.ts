/**
 * The engine on a second simulator: Icarus Verilog runs the generated SD and dense engines with a
 * testbench that loads the packed images by $readmemh (sw/flow/icarus-engine.ts). Logits, label,
 * status, every CSR counter and the cycle count must equal the golden model, its events and the
 * cycle model, and the logits integer inference (runInt). Small random models (fixed seeds) and
 * one MNIST test image through the shipped checkpoint on configs/default.json (about 50,000 cycles).
 */
import { afterAll, describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../common/rng.js';
import { E2E_SPECS, expectedCounters } from '../engine/host-check.js';
import { parseConfig, type LoadedConfig } from '../../sw/engine/config.js';
import { inputActImage } from '../../sw/engine/act-alloc.js';
import { cycleHook, runTiming } from '../../sw/engine/cycle-model.js';
import { GoldenEngine } from '../../sw/engine/golden.js';
import { packModel } from '../../sw/engine/pack.js';
import { randomImages, randomIntModel, type RandomModelOptions } from '../../sw/engine/random-model.js';
import { runInt } from '../../sw/quant/int-infer.js';
import { runEngineOnIcarus } from '../../sw/flow/icarus-engine.js';
import { loadSdCheckpoint, quantizeForEngines, SHIPPED_CHECKPOINT } from '../../sw/flow/model.js';
import { loadDataset } from '../../sw/data/load.js';
import type { IntModel } from '../../sw/quant/int-model.js';
import defaultJson from '../../configs/default.json' with { type: 'json' };
import denseJson from '../../configs/dense.json' with { type: 'json' };

const dir = mkdtempSync(join(tmpdir(), 'engine-icarus-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Memories just large enough for the test networks keep Icarus's start-up short.
const SMALL = { actDepth: 1024, ceDepth: 128, idxDepth: 64, bDepth: 64, wDepth: 128, biasDepth: 64, quantDepth: 64, descDepth: 64, logitsDepth: 32 };

interface Case { what: string; seed: number; lc: LoadedConfig; model: RandomModelOptions }

const CASES: Case[] = [
  { what: 'SD engine 4x2, mixed network, 30% of rows pruned', seed: 41, lc: parseConfig({ ...defaultJson, ...SMALL }, 'default.json + small memories'),
    model: { spec: E2E_SPECS.mixed, sd: true, groupSize: 4, blockRows: 6, pruneFraction: 0.3 } },
  { what: 'dense engine 4x2, final conv3 (32 logits)', seed: 42, lc: parseConfig({ ...denseJson, ...SMALL }, 'dense.json + small memories'),
    model: { spec: E2E_SPECS.convFinal, sd: false } },
];

/** Runs one image on Icarus and checks it against the golden model, the cycle model and runInt. */
function checkOnIcarus(lc: LoadedConfig, model: IntModel, pixels: Uint8Array, where: string, folder: string): number {
  const packed = packModel(model, lc, where);
  const golden = new GoldenEngine(lc.config, packed.images).run(inputActImage(packed.map, packed.act, pixels), { cycles: cycleHook(packed.images) });
  const timing = { cycles: golden.cycles!, stalls: runTiming(golden.layers, lc.config, packed.images).stalls };
  const rtl = runEngineOnIcarus(packed, pixels, join(dir, folder), { timeoutCycles: 4 * timing.cycles + 10_000 });
  expect(golden.status, where).toBe('done');
  expect(rtl.status, where).toBe('done');
  expect(Array.from(rtl.logits), `${where}: logits`).toEqual(Array.from(golden.logits));
  expect(Array.from(rtl.logits), `${where}: logits vs runInt`).toEqual(Array.from(runInt(model, pixels).logits));
  expect(rtl.label, `${where}: label`).toBe(golden.label);
  expect(rtl.counters, `${where}: counters`).toEqual(expectedCounters(golden.events, timing, lc.config.mode));
  expect(rtl.wallCycles, `${where}: cycles stepped while busy`).toBe(timing.cycles);
  console.log(`compared ${golden.logits.length} logits, label and 16 counters of 1 image on Icarus with the golden model and runInt: ${where}, ${timing.cycles} cycles`);
  return golden.label;
}

describe('engine RTL on Icarus against the golden model', () => {
  for (const k of CASES) {
    test(k.what, () => {
      const rng = new Rng(k.seed);
      const model = randomIntModel(rng, k.model);
      const [C, H, W] = k.model.spec.inputShape;
      const [pixels] = randomImages(rng, 1, C * H * W);
      checkOnIcarus(k.lc, model, pixels!, `seed ${k.seed}, ${k.what}`, `seed${k.seed}`);
    }, 60_000);
  }

  test('the shipped MNIST SD model on configs/default.json, test image 0', () => {
    const model = quantizeForEngines(loadSdCheckpoint(SHIPPED_CHECKPOINT), loadDataset('mnist', 'train')).sd;
    const test0 = loadDataset('mnist', 'test');
    const label = checkOnIcarus(parseConfig(defaultJson, 'configs/default.json'), model, test0.pixels.subarray(0, 784), `${SHIPPED_CHECKPOINT}, MNIST test image 0`, 'mnist');
    expect(label, 'the model classifies test image 0 correctly').toBe(test0.labels[0]);
  }, 180_000);
});

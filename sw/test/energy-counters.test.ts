/**
 * eventsFromCounters against the golden model: the golden model's events are turned into the 16
 * CSR counter values by the harness's own mapping (generator/engine/host-check.ts expectedCounters,
 * written for the RTL checks), then back into events by sw/energy/counters.ts; the round trip must
 * give the golden events exactly (the static ones from the descriptors), and so the same energy.
 * Random models (fixed seeds) with every layer kind, sd and dense.
 */
import { describe, expect, test } from 'vitest';
import defaultJson from '../../configs/default.json' with { type: 'json' };
import denseJson from '../../configs/dense.json' with { type: 'json' };
import { Rng } from '../../common/rng.js';
import { E2E_SPECS, expectedCounters } from '../../generator/engine/host-check.js';
import { inputActImage } from '../engine/act-alloc.js';
import { parseConfig } from '../engine/config.js';
import { runTiming } from '../engine/cycle-model.js';
import { GoldenEngine } from '../engine/golden.js';
import { packModel } from '../engine/pack.js';
import { randomImages, randomIntModel } from '../engine/random-model.js';
import { eventsFromCounters } from '../energy/counters.js';
import { SCENARIOS, energyOfEvents, footprintOf } from '../energy/model.js';

const CASES = [
  { what: 'sd mixed (conv3 s1/s2, conv1, max-pool, linear)', seed: 41, base: defaultJson, sd: true, spec: E2E_SPECS.mixed },
  { what: 'sd final conv3', seed: 42, base: defaultJson, sd: true, spec: E2E_SPECS.convFinal },
  { what: 'dense mixed', seed: 43, base: denseJson, sd: false, spec: E2E_SPECS.mixed },
];

describe('events from counters', () => {
  for (const k of CASES) {
    test(k.what, () => {
      const lc = parseConfig({ ...k.base, logitsDepth: 32 }, `seed ${k.seed}`);
      const rng = new Rng(k.seed);
      const model = randomIntModel(rng, { spec: k.spec, sd: k.sd, groupSize: 4, blockRows: 6, pruneFraction: 0.3 });
      const packed = packModel(model, lc, `seed ${k.seed}`);
      const [C, H, W] = k.spec.inputShape;
      let compared = 0;
      for (const pixels of randomImages(rng, 2, C * H * W)) {
        const golden = new GoldenEngine(lc.config, packed.images).run(inputActImage(packed.map, packed.act, pixels));
        expect(golden.status, `seed ${k.seed}`).toBe('done');
        const counters = expectedCounters(golden.events, runTiming(golden.layers, lc.config, packed.images), lc.config.mode);
        const events = eventsFromCounters(counters, lc.config, packed);
        expect(events, `seed ${k.seed}`).toEqual(golden.events);
        for (const scenario of SCENARIOS) {
          const opts = { scenario, footprint: footprintOf(packed) };
          expect(energyOfEvents(events, lc.config, opts), `seed ${k.seed} ${scenario}`).toEqual(energyOfEvents(golden.events, lc.config, opts));
        }
        compared++;
      }
      console.log(`compared ${compared} images: events from 16 counters equal the golden events (all fields) and both energy breakdowns: ${k.what}, seed ${k.seed}`);
    });
  }

  test('a counter of a memory the mode lacks is refused', () => {
    const lc = parseConfig({ ...denseJson, logitsDepth: 32 }, 'dense');
    const model = randomIntModel(new Rng(44), { spec: E2E_SPECS.convFinal, sd: false });
    const packed = packModel(model, lc, 'seed 44');
    const zero = Object.fromEntries(['cycles', 'macs', 'rowsSkipped', 'rowsWalked', 'stalls', 'descReads', 'weightReads', 'idxReads', 'bReads', 'biasReads', 'quantReads', 'actReads', 'actWrites', 'logitsWrites', 'rebuiltWeights', 'rebuildShiftAdds'].map((n) => [n, 0])) as Parameters<typeof eventsFromCounters>[0];
    expect(() => eventsFromCounters({ ...zero, idxReads: 3 }, lc.config, packed)).toThrow(/3 IDX reads counted, but a dense engine has no IDX memory/);
    const sdLc = parseConfig({ ...defaultJson, logitsDepth: 32 }, 'sd');
    expect(() => eventsFromCounters(zero, sdLc.config, packed)).toThrow(/packed for configuration/);
  });
});

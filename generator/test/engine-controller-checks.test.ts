/**
 * The controller's descriptor checks (controller.ts: registered one bit each in check1, the first
 * failure picked in check2) against the golden model's descriptorError on the Verilated engine:
 * random single-field changes of a packed model's descriptors (fixed seed), near the edges each
 * check tests (0, +-1, +-2, halves and doubles, the memory ends). The RTL must stop with the same
 * code at the same layer, or, when the change passes every check, finish too (its run then reads
 * IDX/CE/B words of other layers, which no check covers, so only the status is compared).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Rng } from '../../common/rng.js';
import type { EngineHost } from '../engine/host-driver.js';
import { simulateEngine } from '../engine/simulate.js';
import { E2E_SPECS, compareImage } from '../engine/host-check.js';
import type { Simulation } from '../../verif/index.js';
import { parseConfig } from '../../sw/engine/config.js';
import { loadDesc, withDescriptor } from './helpers/descriptors.js';
import { packModel } from '../../sw/engine/pack.js';
import { randomImages, randomIntModel } from '../../sw/engine/random-model.js';
import defaultJson from '../../configs/default.json' with { type: 'json' };

const SEED = 61;
const CHANGES = 120;
const lc = parseConfig(defaultJson, 'configs/default.json');
const rng = new Rng(SEED);
const model = randomIntModel(rng, { spec: E2E_SPECS.mixed, sd: true, groupSize: 4, blockRows: 6, pruneFraction: 0.3 });
const image = randomImages(rng, 1, 2 * 10 * 10)[0]!;

// Fields the checks read (stride and padding stay in 1..2 / 0..1: the RTL refuses the rest on its own).
const FIELDS = ['C', 'H', 'W', 'O', 'outH', 'outW', 'rows', 'groupSize', 'blocksPerOutput', 'actIn', 'actOut', 'bBase', 'chanBase'] as const;

/** A value near an edge of `v` (a field of width `bits`). */
function nearby(r: Rng, v: number, bits: number, memoryEnd: number): number {
  const max = 2 ** bits - 1;
  const picks = [0, 1, v - 2, v - 1, v + 1, v + 2, v >> 1, v * 2, v * 2 + 1, max, memoryEnd - v, memoryEnd - 1];
  return Math.min(max, Math.max(0, picks[r.int(0, picks.length - 1)]!));
}

describe('descriptor checks: RTL against descriptorError on random single-field changes', () => {
  let sim: Simulation;
  let host: EngineHost;
  const packed = packModel(model, lc, `seed ${SEED}`);
  beforeAll(async () => {
    ({ sim, host } = await simulateEngine(lc.config));
    host.loadModel(packed.images, packed.used);
  }, 120_000);
  afterAll(() => sim?.close());

  test(`${CHANGES} changed descriptors (seed ${SEED})`, () => {
    const c = lc.config;
    const ends: Record<string, number> = { actIn: c.actDepth * c.peCols, actOut: c.actDepth * c.peCols, bBase: c.bDepth, chanBase: c.biasDepth };
    const codes = new Map<string, number>();
    let compared = 0;
    for (let i = 0; i < CHANGES; i++) {
      const layer = rng.int(0, packed.layers.length - 1);
      const d = packed.layers[layer]!.descriptor;
      const name = FIELDS[rng.int(0, FIELDS.length - 1)]!;
      const bits = packed.desc.layout.fields.find((f) => f.name === name)!.width;
      const value = nearby(rng, d[name], bits, ends[name] ?? 2 ** bits);
      const what = `layer ${layer} (${d.kind}) ${name} ${d[name]} -> ${value} (seed ${SEED}, change ${i})`;
      const bad = withDescriptor(packed, layer, { [name]: value });
      loadDesc(host, bad);
      const r = compareImage(host, bad, image, what);
      if (r.golden.status === 'error') expect(r.mismatches, what).toEqual([]);
      else expect(r.rtl.status, what).toBe(r.golden.status);
      compared += r.golden.status === 'error' ? r.compared : 1;
      const key = r.golden.status === 'error' ? `error ${r.golden.error!.code}` : 'ran';
      codes.set(key, (codes.get(key) ?? 0) + 1);
    }
    loadDesc(host, packed);
    const good = compareImage(host, packed, image, 'the unchanged model afterwards');
    expect(good.mismatches).toEqual([]);
    console.log(`compared ${compared + good.compared} values over ${CHANGES} changed descriptors against the golden model: ${[...codes].map(([k, n]) => `${k} x${n}`).join(', ')} (seed ${SEED})`);
  }, 120_000);
});

/**
 * One end-to-end check of the engine RTL against the golden model: pack a model, run the golden
 * model and the cycle model, load the same images through the host bus, run the RTL, and list
 * every difference (logits, label, status, error code and layer, each CSR counter).
 */
import type { IntModel } from '../../sw/quant/int-model.js';
import type { LoadedConfig } from '../../sw/engine/config.js';
import { inputActImage } from '../../sw/engine/act-alloc.js';
import { cycleHook, runTiming } from '../../sw/engine/cycle-model.js';
import { GoldenEngine, type GoldenResult } from '../../sw/engine/golden.js';
import { packModel, type PackedModel } from '../../sw/engine/pack.js';
import type { EngineEvents } from '../../sw/engine/events.js';
import { quantizeInput } from '../../sw/quant/int-infer.js';
import { specOf } from '../../sw/engine/random-model.js';
import type { CounterName } from './csr.js';
import type { EngineHost, EngineRunResult } from './host-driver.js';

/** What each CSR counter must read after a run: golden events, cycle model. */
export function expectedCounters(ev: EngineEvents, timing: { cycles: number; stalls: number }, mode: 'sd' | 'dense'): Record<CounterName, number> {
  const reads = (n: keyof EngineEvents['memories']): number => ev.memories[n]?.readWords ?? 0;
  return {
    cycles: timing.cycles, macs: ev.macs, rowsSkipped: ev.rowsSkipped, rowsWalked: ev.rowsWalked, stalls: timing.stalls,
    descReads: reads('DESC'), weightReads: reads(mode === 'sd' ? 'CE' : 'W'), idxReads: reads('IDX'), bReads: reads('B'),
    biasReads: reads('BIAS'), quantReads: reads('QUANT'), actReads: reads('ACT'), actWrites: ev.memories.ACT?.writeWords ?? 0,
    logitsWrites: ev.memories.LOGITS?.writeWords ?? 0, rebuiltWeights: ev.rebuiltWeights, rebuildShiftAdds: ev.rebuildShiftAdds,
  };
}

export interface E2eComparison {
  golden: GoldenResult;
  rtl: EngineRunResult;
  /** Values compared. */
  compared: number;
  /** One line per difference (empty when the RTL equals the golden model). */
  mismatches: string[];
}

/** Runs one image on the RTL (model already loaded) and on the golden model; compares everything. */
export function compareImage(host: EngineHost, packed: PackedModel, pixels: Uint8Array, what: string): E2eComparison {
  const c = packed.config;
  const golden = new GoldenEngine(c, packed.images).run(inputActImage(packed.map, packed.act, pixels), { cycles: cycleHook(packed.images) });
  host.loadActivations(quantizeInput(pixels), packed.act.input.base);
  // Cycles through the golden model's hook; stalls from the same cycle model.
  const timing = { cycles: golden.cycles!, stalls: runTiming(golden.layers, c, packed.images).stalls };
  const budget = 4 * timing.cycles + 10_000;
  const rtl = host.run({ timeoutCycles: budget, logits: golden.logits.length });
  const mismatches: string[] = [];
  let compared = 0;
  const check = (name: string, want: number | string, got: number | string): void => {
    compared++;
    if (want !== got) mismatches.push(`${what}: ${name}: expected ${want}, got ${got}`);
  };
  check('status', golden.status, rtl.status);
  if (golden.status === 'error') {
    check('error code', golden.error!.code, rtl.code);
    check('error layer', golden.error!.layer, rtl.layer);
    return { golden, rtl, compared, mismatches };
  }
  golden.logits.forEach((v, i) => check(`logit ${i}`, v, rtl.logits[i]!));
  check('label', golden.label, rtl.label);
  const want = expectedCounters(golden.events, timing, c.mode);
  for (const [name, v] of Object.entries(want) as [CounterName, number][]) check(`counter ${name}`, v, rtl.counters[name]);
  check('stepped cycles', timing.cycles, rtl.wallCycles);
  return { golden, rtl, compared, mismatches };
}

/** Packs `model` for `lc`, loads it, then compares `images` one by one. */
export function compareModel(host: EngineHost, model: IntModel, lc: LoadedConfig, images: readonly Uint8Array[], what: string): { compared: number; cycles: number; mismatches: string[] } {
  const packed = packModel(model, lc, what);
  host.loadModel(packed.images, packed.used);
  let compared = 0;
  let cycles = 0;
  const mismatches: string[] = [];
  images.forEach((img, i) => {
    const r = compareImage(host, packed, img, `${what}, image ${i}`);
    compared += r.compared;
    cycles += r.rtl.counters.cycles;
    mismatches.push(...r.mismatches);
  });
  return { compared, cycles, mismatches };
}

/** Small networks for end-to-end runs: every layer kind, stride 1 and 2, padding 0 and 1, a final linear or conv layer. */
export const E2E_SPECS = {
  /** conv3 s1 p1, conv3 s2 p1, conv1 (C = 6), max-pool (odd edge dropped), linear (C = 28: a short last row), final linear. */
  mixed: specOf([2, 10, 10], 4, [
    { kind: 'conv', name: 'c1', inChannels: 2, outChannels: 5, kernel: 3, stride: 1, padding: 1 },
    { kind: 'relu' },
    { kind: 'conv', name: 'c2', inChannels: 5, outChannels: 6, kernel: 3, stride: 2, padding: 1 },
    { kind: 'relu' },
    { kind: 'conv', name: 'c3', inChannels: 6, outChannels: 7, kernel: 1, stride: 1, padding: 0 },
    { kind: 'maxpool2' },
    { kind: 'relu' },
    { kind: 'flatten' },
    { kind: 'linear', name: 'fc1', inFeatures: 28, outFeatures: 8 },
    { kind: 'relu' },
    { kind: 'linear', name: 'fc2', inFeatures: 8, outFeatures: 4 },
  ]),
  /** conv1 stride 2 padding 1 with C = 4, then a final conv3 whose 32 accumulators are the logits. */
  convFinal: specOf([4, 9, 9], 32, [
    { kind: 'conv', name: 'a', inChannels: 4, outChannels: 10, kernel: 1, stride: 2, padding: 1 },
    { kind: 'relu' },
    { kind: 'conv', name: 'b', inChannels: 10, outChannels: 2, kernel: 3, stride: 1, padding: 0 },
  ]),
};

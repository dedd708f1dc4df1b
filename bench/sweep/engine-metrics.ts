/**
 * What a sweep point measures on the engine for an integer model and a configuration: the packed
 * weight memory bits; from the golden model on a few test images the mean events per image, the
 * cycles per image of the cycle model, and the energy per image of sw/energy in both scenarios
 * (weights resident on chip, weights streamed from DRAM once per image) with its group totals.
 */
import { inputActImage } from '../../sw/engine/act-alloc.js';
import { configHash, type EngineConfig, type LoadedConfig } from '../../sw/engine/config.js';
import { cycleHook } from '../../sw/engine/cycle-model.js';
import { addEvents, emptyEvents, type EngineEvents } from '../../sw/engine/events.js';
import { GoldenEngine } from '../../sw/engine/golden.js';
import { memoryOf } from '../../sw/engine/memory-map.js';
import { packModel } from '../../sw/engine/pack.js';
import { energyOfEvents, footprintOf, groupTotals, offChipBytes, SCENARIOS, type EnergyGroup, type Scenario } from '../../sw/energy/model.js';
import { scaleEvents } from '../../sw/energy/report.js';
import type { IntModel } from '../../sw/quant/int-model.js';
import { runInt } from '../../sw/quant/int-infer.js';

export interface EngineMetrics {
  /** Weight memory bits the packed model uses (CE + IDX + B in sd mode, W in dense mode). */
  weightBits: number;
  weightBitsBy: Record<string, number>;
  cyclesPerImage: number;
  /** Mean events per image over `images` images. */
  events: EngineEvents;
  images: number;
  /** Mean energy per image (pJ) by scenario: total, group totals, DRAM bytes. */
  energy: Record<Scenario, { totalPj: number; groups: Record<EnergyGroup, number>; offChipBytes: number }>;
}

const WEIGHT_MEMORIES = { sd: ['CE', 'IDX', 'B'], dense: ['W'] } as const;

/** Packs `model` for `config`, runs the golden model on `images` and checks its labels against runInt. */
export function engineMetrics(model: IntModel, config: EngineConfig, source: string, images: readonly Uint8Array[]): EngineMetrics {
  const lc: LoadedConfig = { config, source, hash: configHash(config) };
  const packed = packModel(model, lc, 'sweep model');
  const weightBitsBy: Record<string, number> = {};
  for (const name of WEIGHT_MEMORIES[config.mode]) weightBitsBy[name] = (packed.used[name] ?? 0) * memoryOf(packed.map, name).width;
  const golden = new GoldenEngine(config, packed.images);
  const hook = cycleHook(packed.images);
  const events = emptyEvents(packed.map.memories.map((m) => m.name));
  let cycles = 0;
  images.forEach((pixels, i) => {
    const r = golden.run(inputActImage(packed.map, packed.act, pixels), { cycles: hook });
    if (r.status !== 'done') throw new Error(`golden model stopped on image ${i}: ${r.error?.message}`);
    // The golden model runs the packed images; it must classify as the integer model does.
    const want = runInt(model, pixels).label;
    if (r.label !== want) throw new Error(`golden model label ${r.label} differs from runInt's ${want} on image ${i}`);
    addEvents(events, r.events);
    cycles += r.cycles!;
  });
  const mean = scaleEvents(events, 1 / images.length);
  const footprint = footprintOf(packed);
  const energy = Object.fromEntries(SCENARIOS.map((scenario) => {
    const b = energyOfEvents(mean, config, { scenario, footprint });
    return [scenario, { totalPj: b.totalPj, groups: groupTotals(b), offChipBytes: offChipBytes(mean, config, footprint, scenario).totalBytes }];
  })) as EngineMetrics['energy'];
  return {
    weightBits: Object.values(weightBitsBy).reduce((a, b) => a + b, 0), weightBitsBy,
    cyclesPerImage: cycles / images.length, events: mean, images: images.length, energy,
  };
}

/**
 * Energy per image of a packed model (what the bench calls): the golden model runs each image, its
 * events are averaged over the images, and the energy model prices the average in both off-chip
 * scenarios. The model is linear in the events, so the breakdown of the average is the average of
 * the breakdowns.
 */
import { inputActImage } from '../engine/act-alloc.js';
import { configHash, type EngineConfig } from '../engine/config.js';
import { addEvents, emptyEvents, type EngineEvents } from '../engine/events.js';
import { GoldenEngine } from '../engine/golden.js';
import type { PackedModel } from '../engine/pack.js';
import type { DramLevel } from './table.js';
import { SCENARIOS, energyOfEvents, footprintOf, offChipBytes, onChipAccesses, type EnergyBreakdown, type OffChipTraffic, type Scenario } from './model.js';

export interface EnergyReport {
  /** Images averaged over. */
  images: number;
  /** Mean events per image. */
  events: EngineEvents;
  /** Per scenario: mean energy per image and its breakdown. */
  perImage: Record<Scenario, EnergyBreakdown>;
  offChip: Record<Scenario, OffChipTraffic>;
  onChip: ReturnType<typeof onChipAccesses>;
}

/** Events scaled by `k` (k = 1/images gives the mean). */
export function scaleEvents(ev: EngineEvents, k: number): EngineEvents {
  const out = emptyEvents([]);
  addEvents(out, ev);
  for (const t of Object.values(out.memories)) {
    t.readWords *= k;
    t.readBits *= k;
    t.writeWords *= k;
    t.writeBits *= k;
  }
  for (const key of ['macs', 'rowsSkipped', 'rowsWalked', 'rebuiltWeights', 'rebuildShiftAdds', 'requantized', 'logitsWritten', 'outputTiles', 'pixelTiles', 'poolOutputs'] as const) out[key] *= k;
  return out;
}

/** Mean energy per image of `images` (pixels, 0..255) on the packed model's engine. */
export function energyReport(packed: PackedModel, config: EngineConfig, images: readonly Uint8Array[], opts: { dram?: DramLevel } = {}): EnergyReport {
  if (configHash(config) !== packed.configHash) throw new Error(`energyReport: the packed model was packed for ${packed.configSource}, not this configuration`);
  if (images.length === 0) throw new Error('energyReport: no images');
  const golden = new GoldenEngine(config, packed.images);
  const total = emptyEvents([]);
  images.forEach((pixels, i) => {
    const r = golden.run(inputActImage(packed.map, packed.act, pixels));
    if (r.status !== 'done') throw new Error(`energyReport: image ${i}: the golden model stopped: ${r.error?.message}`);
    addEvents(total, r.events);
  });
  const events = scaleEvents(total, 1 / images.length);
  const footprint = footprintOf(packed);
  const perImage = Object.fromEntries(SCENARIOS.map((s) => [s, energyOfEvents(events, config, { scenario: s, footprint, ...opts })])) as Record<Scenario, EnergyBreakdown>;
  const offChip = Object.fromEntries(SCENARIOS.map((s) => [s, offChipBytes(events, config, footprint, s)])) as Record<Scenario, OffChipTraffic>;
  return { images: images.length, events, perImage, offChip, onChip: onChipAccesses(events) };
}

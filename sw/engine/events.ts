/**
 * Events the golden model counts for the energy model (docs/engine.md "Events"): memory traffic per
 * memory in words and bits, MACs issued, rows skipped by the index selector, rebuild work, and the
 * typed hook through which a cycle model (sw/engine/cycle-model.ts) turns a layer into cycles.
 */
import type { EngineConfig } from './config.js';
import type { Descriptor } from './descriptor.js';
import type { MemoryName } from './memory-map.js';

export interface MemoryTraffic {
  readWords: number;
  readBits: number;
  writeWords: number;
  writeBits: number;
}

export interface EngineEvents {
  /** Traffic of every memory of the configuration's mode (ACT: bytes, summed over banks). */
  memories: Partial<Record<MemoryName, MemoryTraffic>>;
  /** int8 x int8 multiply-accumulates issued (padding taps included: they multiply zIn). */
  macs: number;
  /** Matrix rows the index selector skipped, once per (output tile, pixel tile). */
  rowsSkipped: number;
  /** Matrix rows walked (CE or W words used), once per (output tile, pixel tile). */
  rowsWalked: number;
  /** Weights the rebuild engine produced (lanes x columns per walked row). */
  rebuiltWeights: number;
  /** Shift-and-add terms of those weights (one per non-zero Ce code per column). */
  rebuildShiftAdds: number;
  /** Accumulators requantized (written to ACT) and written to LOGITS. */
  requantized: number;
  logitsWritten: number;
  /** Output tiles and pixel tiles of MAC layers; max-pool outputs. */
  outputTiles: number;
  pixelTiles: number;
  poolOutputs: number;
}

export function emptyEvents(memories: readonly MemoryName[]): EngineEvents {
  return {
    memories: Object.fromEntries(memories.map((m) => [m, { readWords: 0, readBits: 0, writeWords: 0, writeBits: 0 }])),
    macs: 0, rowsSkipped: 0, rowsWalked: 0, rebuiltWeights: 0, rebuildShiftAdds: 0,
    requantized: 0, logitsWritten: 0, outputTiles: 0, pixelTiles: 0, poolOutputs: 0,
  };
}

/** Adds b into a (same memories). */
export function addEvents(a: EngineEvents, b: EngineEvents): void {
  for (const [name, t] of Object.entries(b.memories) as [MemoryName, MemoryTraffic][]) {
    const s = (a.memories[name] ??= { readWords: 0, readBits: 0, writeWords: 0, writeBits: 0 });
    s.readWords += t.readWords;
    s.readBits += t.readBits;
    s.writeWords += t.writeWords;
    s.writeBits += t.writeBits;
  }
  for (const k of ['macs', 'rowsSkipped', 'rowsWalked', 'rebuiltWeights', 'rebuildShiftAdds', 'requantized', 'logitsWritten', 'outputTiles', 'pixelTiles', 'poolOutputs'] as const) a[k] += b[k];
}

/** What the golden model knows about one layer after running it: the input of a cycle model. */
export interface LayerTrace {
  descriptor: Descriptor;
  /** sd mode: kept rows of each pruning group, as read from IDX. */
  keptRows: number[];
  events: EngineEvents;
}

/**
 * A cycle model: cycles of one layer from its trace (implemented in sw/engine/cycle-model.ts to
 * match the RTL cycle for cycle). The golden model sums the layers when a hook is given.
 */
export interface CycleHook {
  layerCycles(trace: LayerTrace, config: EngineConfig): number;
}

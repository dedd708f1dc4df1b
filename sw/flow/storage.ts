/**
 * Weight storage of one model in SD form against dense int8, counted two ways: as the engines store
 * it (words used in the packed weight memories times their width: CE + IDX + B for the SD engine,
 * W for the dense baseline) and as sw/sd's accounting counts it (only stored Ce rows, the index
 * bits, B and the block shift; dense = 8 bits per weight).
 */
import type { PackedModel } from '../engine/pack.js';
import { memoryOf, type MemoryName } from '../engine/memory-map.js';
import type { SdLayer } from '../sd/blocks.js';
import { storageBits } from '../sd/storage.js';

export interface WeightStorage {
  /** Bits of the packed weight memories, per memory. */
  sdEngine: Partial<Record<MemoryName, number>>;
  sdEngineBits: number;
  /** W bits of the dense baseline (undefined when no dense model was packed). */
  denseEngineBits?: number;
  /** sw/sd accounting of the SD layers and dense int8 of the same weights. */
  sdBits: number;
  denseInt8Bits: number;
}

/** Bits of the used words of `names` in a packed model. */
export function packedBits(packed: PackedModel, names: readonly MemoryName[]): Partial<Record<MemoryName, number>> {
  return Object.fromEntries(names.filter((n) => packed.used[n] !== undefined).map((n) => [n, packed.used[n]! * memoryOf(packed.map, n).width]));
}

export function weightStorage(sdPacked: PackedModel, sdLayers: readonly SdLayer[], densePacked?: PackedModel): WeightStorage {
  const sdEngine = packedBits(sdPacked, ['CE', 'IDX', 'B']);
  const sum = (r: Partial<Record<MemoryName, number>>): number => Object.values(r).reduce((a, v) => a + v, 0);
  const accounting = sdLayers.map(storageBits);
  return {
    sdEngine,
    sdEngineBits: sum(sdEngine),
    ...(densePacked ? { denseEngineBits: sum(packedBits(densePacked, ['W'])) } : {}),
    sdBits: accounting.reduce((a, s) => a + s.totalBits, 0),
    denseInt8Bits: accounting.reduce((a, s) => a + s.denseInt8Bits, 0),
  };
}

/**
 * Engine events from the RTL's 16 performance counters (generator/engine/csr.ts COUNTERS), in the
 * golden model's shape (sw/engine/events.ts), so the energy model runs on either. Bits are words
 * times the memory map's widths. Three events have no counter and are static per layer: they come
 * from the packed model's descriptors (output tiles, pixel tiles, max-pool outputs); requantized
 * values are the ACT writes minus the max-pool outputs. This holds for a run that completes (an
 * error stops the walk part-way, which the static counts cannot know).
 */
import type { CounterName } from '../../generator/engine/csr.js';
import { configHash, type EngineConfig } from '../engine/config.js';
import { outputTiles } from '../engine/descriptor.js';
import { emptyEvents, type EngineEvents } from '../engine/events.js';
import { memoryMap, type MemoryName } from '../engine/memory-map.js';
import type { PackedModel } from '../engine/pack.js';

/** Output tiles, pixel tiles and max-pool outputs of one complete run of the packed model. */
export function staticEvents(packed: PackedModel, config: EngineConfig): Pick<EngineEvents, 'outputTiles' | 'pixelTiles' | 'poolOutputs'> {
  let tiles = 0;
  let pixelTiles = 0;
  let poolOutputs = 0;
  for (const { descriptor: d } of packed.layers) {
    if (d.kind === 'maxpool2') {
      poolOutputs += d.C * d.outH * d.outW;
      continue;
    }
    const n = outputTiles(d.O, d.groupSize, config.peRows).length;
    tiles += n;
    pixelTiles += n * d.outH * Math.ceil(d.outW / config.peCols);
  }
  return { outputTiles: tiles, pixelTiles, poolOutputs };
}

export function eventsFromCounters(counters: Record<CounterName, number>, config: EngineConfig, packed: PackedModel): EngineEvents {
  if (configHash(config) !== packed.configHash) {
    throw new Error(`eventsFromCounters: the packed model was packed for configuration ${packed.configHash.slice(0, 8)} (${packed.configSource}), not ${configHash(config).slice(0, 8)}`);
  }
  const map = memoryMap(config);
  const ev = emptyEvents(map.memories.map((m) => m.name));
  const width = (n: MemoryName): number => map.memories.find((m) => m.name === n)!.width;
  const read = (n: MemoryName, words: number): void => {
    const t = ev.memories[n];
    if (!t) {
      if (words !== 0) throw new Error(`eventsFromCounters: ${words} ${n} reads counted, but a ${config.mode} engine has no ${n} memory`);
      return;
    }
    t.readWords = words;
    t.readBits = words * width(n);
  };
  const write = (n: MemoryName, words: number): void => {
    const t = ev.memories[n]!;
    t.writeWords = words;
    t.writeBits = words * width(n);
  };
  read('DESC', counters.descReads);
  read(config.mode === 'sd' ? 'CE' : 'W', counters.weightReads);
  read('IDX', counters.idxReads);
  read('B', counters.bReads);
  read('BIAS', counters.biasReads);
  read('QUANT', counters.quantReads);
  read('ACT', counters.actReads);
  write('ACT', counters.actWrites);
  write('LOGITS', counters.logitsWrites);
  const fixed = staticEvents(packed, config);
  return {
    ...ev,
    macs: counters.macs,
    rowsSkipped: counters.rowsSkipped,
    rowsWalked: counters.rowsWalked,
    rebuiltWeights: counters.rebuiltWeights,
    rebuildShiftAdds: counters.rebuildShiftAdds,
    requantized: counters.actWrites - fixed.poolOutputs,
    logitsWritten: counters.logitsWrites,
    ...fixed,
  };
}

/**
 * The energy model (docs/energy.md): engine events (sw/engine/events.ts, from the golden model or
 * from the RTL's counters) times per-event energies (sw/energy/table.ts), as a breakdown by part.
 * On-chip memory energy depends on each memory's width and size, taken from the memory map of the
 * configuration. Off-chip (DRAM) traffic depends on the scenario:
 * - `weights-resident`: the model stays in on-chip memory (the FPGA case); per image only the input
 *   image comes in and the logits go out;
 * - `weights-streamed`: every model memory's packed words come from DRAM once per image (batch 1,
 *   the SmartDeal paper's setting), written into the on-chip memories, plus the image and logits.
 */
import type { EngineConfig } from '../engine/config.js';
import type { EngineEvents, MemoryTraffic } from '../engine/events.js';
import { derivedWidths, memoryMap, type MemoryName, type MemorySpec } from '../engine/memory-map.js';
import type { PackedModel } from '../engine/pack.js';
import { addPj, dramBitPj, mulPj, registerPj, shiftPj, sramAccessPj, type DramLevel, type EnergyEntry } from './table.js';

export const SCENARIOS = ['weights-resident', 'weights-streamed'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export const ENERGY_GROUPS = ['off-chip', 'on-chip memory', 'MAC', 'rebuild', 'requant', 'pool', 'control'] as const;
export type EnergyGroup = (typeof ENERGY_GROUPS)[number];

export interface EnergyPart {
  group: EnergyGroup;
  name: string;
  /** Events of the part (accesses, operations, bits for DRAM); may be fractional for averages. */
  events: number;
  pjPerEvent: number;
  pj: number;
  /** How pjPerEvent is obtained (table entries it is built from). */
  source: string;
}

export interface EnergyBreakdown {
  scenario: Scenario;
  totalPj: number;
  parts: EnergyPart[];
}

/** What the off-chip traffic needs beyond the events: static facts of the packed model. */
export interface ModelFootprint {
  /** Bytes of one input image (int8 per element). */
  inputBytes: number;
  /** Words used in each model memory (contents 'model': DESC, CE, IDX, B or W, BIAS, QUANT). */
  modelWords: Partial<Record<MemoryName, number>>;
}

export function footprintOf(packed: PackedModel): ModelFootprint {
  return { inputBytes: packed.act.input.bytes, modelWords: { ...packed.used } };
}

export interface OffChipTraffic {
  scenario: Scenario;
  imageBytes: number;
  logitsBytes: number;
  /** Per model memory: bytes streamed per image (empty when the weights are resident). */
  modelBytes: Partial<Record<MemoryName, number>>;
  totalBytes: number;
}

/** DRAM bytes per image: the image in, the logits out (accBits each) and, when streamed, the packed model. */
export function offChipBytes(events: EngineEvents, config: EngineConfig, footprint: ModelFootprint, scenario: Scenario): OffChipTraffic {
  const map = memoryMap(config);
  const imageBytes = (footprint.inputBytes * config.actBits) / 8;
  const logitsBytes = ((events.memories.LOGITS?.writeWords ?? 0) * config.accBits) / 8;
  const modelBytes: Partial<Record<MemoryName, number>> = {};
  if (scenario === 'weights-streamed') {
    for (const m of map.memories) {
      if (m.contents === 'model') modelBytes[m.name] = ((footprint.modelWords[m.name] ?? 0) * m.width) / 8;
    }
  }
  const model = Object.values(modelBytes).reduce((a, b) => a + b, 0);
  return { scenario, imageBytes, logitsBytes, modelBytes, totalBytes: imageBytes + logitsBytes + model };
}

/** On-chip memory traffic per memory (words and bits), as the events count it. */
export function onChipAccesses(events: EngineEvents): Partial<Record<MemoryName, MemoryTraffic>> {
  return Object.fromEntries(Object.entries(events.memories).map(([k, t]) => [k, { ...t }])) as Partial<Record<MemoryName, MemoryTraffic>>;
}

export interface EnergyOptions {
  scenario: Scenario;
  footprint: ModelFootprint;
  /** End of the paper's DRAM range (default 'low', 1.3 nJ per 64 bits). */
  dram?: DramLevel;
}

/** Sum of entries as one per-event energy, with their sources joined. */
function sum(...entries: EnergyEntry[]): EnergyEntry {
  return { pj: entries.reduce((a, e) => a + e.pj, 0), source: entries.map((e) => e.source).join(' + ') };
}

function times(n: number, e: EnergyEntry): EnergyEntry {
  return { pj: n * e.pj, source: `${n} x (${e.source})` };
}

function part(group: EnergyGroup, name: string, events: number, e: EnergyEntry): EnergyPart {
  return { group, name, events, pjPerEvent: e.pj, pj: events * e.pj, source: e.source };
}

function sramOf(m: MemorySpec): EnergyEntry {
  return sramAccessPj(m.width, m.depth);
}

/**
 * Energy of one run's events (or an average of runs) on `config`. Parts, in order: off-chip DRAM;
 * on-chip reads of each model memory, ACT reads and writes, LOGITS writes, the image written into
 * ACT and the logits read out by the host, and (streamed) the model written into its memories; MACs;
 * rebuild shift-adds and rounding; requantization; max-pool compares; control registers.
 */
export function energyOfEvents(events: EngineEvents, config: EngineConfig, opts: EnergyOptions): EnergyBreakdown {
  const c = config;
  const map = memoryMap(c);
  const w = derivedWidths(c);
  const traffic = (n: MemoryName): MemoryTraffic => events.memories[n] ?? { readWords: 0, readBits: 0, writeWords: 0, writeBits: 0 };
  const parts: EnergyPart[] = [];

  // Off-chip.
  const off = offChipBytes(events, c, opts.footprint, opts.scenario);
  const dram = dramBitPj(opts.dram);
  parts.push(part('off-chip', 'DRAM image in', off.imageBytes * 8, dram));
  parts.push(part('off-chip', 'DRAM logits out', off.logitsBytes * 8, dram));
  if (opts.scenario === 'weights-streamed') {
    const modelBits = Object.values(off.modelBytes).reduce((a, b) => a + b, 0) * 8;
    parts.push(part('off-chip', 'DRAM model in', modelBits, dram));
  }

  // On-chip memories: the engine's own accesses.
  for (const m of map.memories) {
    const t = traffic(m.name);
    if (m.contents === 'model') parts.push(part('on-chip memory', `${m.name} read`, t.readWords, sramOf(m)));
  }
  const act = map.memories.find((m) => m.name === 'ACT')!;
  const logits = map.memories.find((m) => m.name === 'LOGITS')!;
  parts.push(part('on-chip memory', 'ACT read', traffic('ACT').readWords, sramOf(act)));
  parts.push(part('on-chip memory', 'ACT write', traffic('ACT').writeWords, sramOf(act)));
  parts.push(part('on-chip memory', 'LOGITS write', traffic('LOGITS').writeWords, sramOf(logits)));
  // The host's side of the run: image bytes into ACT, logits out of LOGITS; streamed models also fill memories.
  parts.push(part('on-chip memory', 'ACT image load', opts.footprint.inputBytes, sramOf(act)));
  parts.push(part('on-chip memory', 'LOGITS host read', traffic('LOGITS').writeWords, sramOf(logits)));
  if (opts.scenario === 'weights-streamed') {
    for (const m of map.memories) {
      if (m.contents === 'model') parts.push(part('on-chip memory', `${m.name} fill`, opts.footprint.modelWords[m.name] ?? 0, sramOf(m)));
    }
  }

  // MAC: int8 x int8 product, accumulator add and accumulator register.
  parts.push(part('MAC', 'MAC', events.macs, sum(mulPj(c.actBits, c.weightBits), addPj(c.accBits), registerPj(c.accBits))));

  // Rebuild (sd): each term is B shifted by its code's exponent and added into the lane's sum t;
  // each rebuilt weight is t rounded by R (a variable shift and the rounding add) and saturated.
  // Widths as the RTL lane has them (generator/engine/rebuild.ts rebuildSumWidth): a term is int8
  // shifted by up to 2^e - 2 plus a sign bit; the sum of S terms adds ceil(log2 S) bits.
  const termBits = c.weightBits + 2 ** c.ceExpBits;
  const sumBits = termBits + Math.ceil(Math.log2(c.basis));
  if (c.mode === 'sd') {
    parts.push(part('rebuild', 'rebuild shift-adds', events.rebuildShiftAdds, sum(shiftPj(termBits), addPj(sumBits))));
    parts.push(part('rebuild', 'rebuild rounding', events.rebuiltWeights, sum(shiftPj(sumBits), addPj(sumBits))));
  }

  // Requantization: acc x M, rounding shift and add on the product, + zOut, clamp (a compare).
  const productBits = c.accBits + c.multiplierBits;
  parts.push(part('requant', 'requantize', events.requantized, sum(mulPj(c.accBits, c.multiplierBits), shiftPj(productBits), addPj(productBits), addPj(c.actBits), addPj(c.actBits))));

  // Max-pool: the window's 4 bytes against the running maximum (which starts at clampLo).
  parts.push(part('pool', 'max-pool compares', events.poolOutputs, times(4, addPj(c.actBits))));

  // Control: registers the controller loads and the address arithmetic it does.
  const mem = (n: MemoryName): MemorySpec | undefined => map.memories.find((m) => m.name === n);
  const weightMem = mem(c.mode === 'sd' ? 'CE' : 'W')!;
  parts.push(part('control', 'DESC registers', traffic('DESC').readWords, registerPj(mem('DESC')!.width)));
  if (c.mode === 'sd') parts.push(part('control', 'B lane registers', traffic('B').readWords, registerPj(mem('B')!.width)));
  parts.push(part('control', 'BIAS lane registers', traffic('BIAS').readWords, registerPj(mem('BIAS')!.width)));
  parts.push(part('control', 'QUANT lane registers', traffic('QUANT').readWords, registerPj(mem('QUANT')!.width)));
  const ptrBits = Math.max(1, Math.ceil(Math.log2(weightMem.depth)));
  const rowWalk = c.mode === 'sd' ? sum(registerPj(weightMem.width), times(2, addPj(ptrBits))) : sum(registerPj(weightMem.width), addPj(ptrBits));
  parts.push(part('control', 'row walk', events.rowsWalked, rowWalk));
  parts.push(part('control', 'activation addresses', traffic('ACT').readWords, times(2, addPj(w.actAddrBits))));

  return { scenario: opts.scenario, totalPj: parts.reduce((a, p) => a + p.pj, 0), parts };
}

/** pJ per group, in ENERGY_GROUPS order. */
export function groupTotals(b: EnergyBreakdown): Record<EnergyGroup, number> {
  const out = Object.fromEntries(ENERGY_GROUPS.map((g) => [g, 0])) as Record<EnergyGroup, number>;
  for (const p of b.parts) out[p.group] += p.pj;
  return out;
}

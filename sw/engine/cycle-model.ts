/**
 * The cycle model: the exact cycle count of the engine RTL (generator/engine/controller.ts) for a
 * packed model, layer by layer, plus the stall cycles the CSR counts. It is the controller's
 * schedule written as arithmetic (docs/engine.md "Controller"), not a simulation:
 *
 *   every layer      next 1 + fetch (DESC_WORDS + 1) + check 2
 *   MAC layer        init 1
 *     output tile    lanes + 1                         BIAS / QUANT words into the lane registers
 *     pixel tile     start 1 + count 1
 *                    + (K > 0: first row 1 + 3 * slot per kept row + lanes per B reload)
 *                    + flush 5 + drain lanes * cols + requant tail 2 + advance 1
 *     final layer    + argmax pass (outputs + 1) + finish 1
 *   max-pool         init 1 + 4 per output + tail 2
 *
 * slot = 1 cycle per tap, 3 at stride 2 when P_c > 1 (the address generator's two beats). A B reload happens when a kept row's block
 * differs from the block the lane registers hold (none at the start of an output tile). Stalls
 * are the cycles of the MAC loop (from the output tile's first cycle to the pixel tile's advance)
 * in which no tap enters the pipelines. The kept rows and their blocks are read from the packed
 * IDX image, so the model is a function of the packed model alone.
 */
import type { EngineConfig } from './config.js';
import { descriptorLayout, outputTiles, type Descriptor } from './descriptor.js';
import type { CycleHook, LayerTrace } from './events.js';
import { unpackWord } from './fields.js';
import type { MemoryImages } from './golden.js';
import { memoryMap, memoryOf } from './memory-map.js';

export const FLUSH = 5;
export const REQUANT_TAIL = 2;

export interface LayerTiming {
  cycles: number;
  /** MAC-loop cycles without a tap (0 for max-pool). */
  stalls: number;
  /** Taps that reached the MACs (columns of conv1/linear rows past C are not taps). */
  taps: number;
}

interface KeptRow { row: number; c: number; block: number }

/** Kept rows of each pruning group of an sd layer, from the IDX image (dense: every row, block 0). */
function keptRowsByGroup(d: Descriptor, c: EngineConfig, images: MemoryImages): KeptRow[][] {
  const groups = Math.ceil(d.O / d.groupSize);
  const conv3 = d.kind === 'conv3';
  if (c.mode === 'dense') {
    const all = Array.from({ length: d.rows }, (_, r) => ({ row: r, c: conv3 ? Math.floor(r / 3) : r, block: 0 }));
    return Array.from({ length: groups }, () => all);
  }
  const idx = memoryOf(memoryMap(c), 'IDX');
  const word = (a: number): bigint => images.IDX?.[0]?.[a] ?? 0n;
  const out: KeptRow[][] = [];
  let ptr = d.idxBase;
  for (let g = 0; g < groups; g++) {
    const count = unpackWord(idx.formats.count!, word(ptr)).count as number;
    const rows = Array.from({ length: count }, (_, i) => {
      const e = unpackWord(idx.formats.entry!, word(ptr + 1 + i)) as { c: number; kh: number; block: number };
      return { row: conv3 ? 3 * e.c + e.kh : e.c, c: e.c, block: e.block };
    });
    out.push(rows);
    ptr += 1 + count;
  }
  return out;
}

/** Taps of one row: 3, except a conv1/linear row whose inputs 3r + j run past C. */
function tapsOfRow(d: Descriptor, r: KeptRow): number {
  return d.kind === 'conv3' ? 3 : Math.max(0, Math.min(3, d.C - 3 * r.c));
}

export function layerTiming(d: Descriptor, c: EngineConfig, images: MemoryImages): LayerTiming {
  const overhead = 1 + (descriptorLayout(c).words + 1) + 2;
  if (d.kind === 'maxpool2') return { cycles: overhead + 1 + 4 * d.O * d.outH * d.outW + 2, stalls: 0, taps: 0 };
  const slot = d.stride === 2 && c.peCols > 1 ? 3 : 1;
  const groups = keptRowsByGroup(d, c, images);
  let loop = 0;
  let taps = 0;
  for (const t of outputTiles(d.O, d.groupSize, c.peRows)) {
    loop += t.lanes + 1;
    const rows = groups[t.group]!;
    let held = -1;
    for (let oy = 0; oy < d.outH; oy++) {
      for (let ox0 = 0; ox0 < d.outW; ox0 += c.peCols) {
        const cols = Math.min(c.peCols, d.outW - ox0);
        loop += 2;
        if (rows.length > 0) {
          loop += 1 + 3 * slot * rows.length;
          for (const r of rows) {
            if (c.mode === 'sd' && r.block !== held) {
              loop += t.lanes;
              held = r.block;
            }
            taps += tapsOfRow(d, r);
          }
        }
        loop += FLUSH + t.lanes * cols + REQUANT_TAIL + 1;
      }
    }
  }
  const finalPass = d.final ? d.O * d.outH * d.outW + 1 + 1 : 0;
  return { cycles: overhead + 1 + loop + finalPass, stalls: loop - taps, taps };
}

/** The golden model's cycle hook for a packed model's images. */
export function cycleHook(images: MemoryImages): CycleHook {
  return { layerCycles: (trace: LayerTrace, c: EngineConfig) => layerTiming(trace.descriptor, c, images).cycles };
}

/** Cycles and stalls of a whole run (the layers the golden model ran). */
export function runTiming(layers: readonly LayerTrace[], c: EngineConfig, images: MemoryImages): { cycles: number; stalls: number } {
  let cycles = 0;
  let stalls = 0;
  for (const l of layers) {
    const t = layerTiming(l.descriptor, c, images);
    cycles += t.cycles;
    stalls += t.stalls;
  }
  return { cycles, stalls };
}

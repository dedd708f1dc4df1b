/**
 * The cycle model: the exact cycle count of the engine RTL (generator/engine/controller.ts) for a
 * packed model, layer by layer, plus the stall cycles the CSR counts. It is the controller's
 * schedule written as arithmetic over the issue times of the taps (docs/engine.md "Controller"):
 *
 *   every layer      next 1 + fetch (DESC_WORDS + 1) + check (LAYER_PRODUCTS + 1)
 *   MAC layer        init 1
 *     output tile    lanes + 1 (BIAS / QUANT words into the lane registers) + start 1 + count 1
 *                    + first fetch 1, then the pixel tiles back to back:
 *       per kept row   (B reload: lanes) + 3 taps of `slot` cycles; the next row is fetched in
 *                      the last tap's cycle, the next tile's first row likewise
 *       tile end       its last tap issues no earlier than the previous tile's last tap +
 *                      max(lanes * cols * beats of the previous tile, capture latency L + 1)
 *       (no kept rows: one issue cycle per tile, same spacing)
 *     after the last tap: slot - 1, then capture at L + 1, drain lanes * cols * beats, requantizer tail
 *                    (none for the final layer's LOGITS), 1 to see the pipeline empty, advance 1
 *     final layer    + argmax pass (outputs + 1) + finish 1
 *   max-pool         init 1 + 4 per output + tail 2
 *
 * beats = requantBeats(config) drain cycles per value through the requantizer, 1 to LOGITS (final layer).
 * slot = 1 cycle per tap, 3 at stride 2 when P_c > 1 (the address generator's two beats), and
 * L (address generator latency) = 4, 5 at stride 2 when P_c > 1. A B reload happens when a kept
 * row's block differs from the block the lane registers hold (none at the start of an output tile).
 * Stalls are the cycles of the MAC loop (from the output tile's first cycle to its advance) in
 * which no tap enters the pipelines. The kept rows and their blocks are read from the packed IDX
 * image, so the model is a function of the packed model alone.
 */
import type { EngineConfig } from './config.js';
import { descriptorLayout, outputTiles, type Descriptor } from './descriptor.js';
import type { CycleHook, LayerTrace } from './events.js';
import { unpackWord } from './fields.js';
import type { MemoryImages } from './golden.js';
import { memoryMap, memoryOf } from './memory-map.js';

/** Cycles from a tap's issue to its MAC (address generator latency), by stride mode. */
export const actLatency = (stride: number, peCols: number): number => (stride === 2 && peCols > 1 ? 5 : 4);
export const REQUANT_TAIL = 2;
/** check1's cycles: the layer products H*W, outH*outW, C*H*W, O*outH*outW, O*bpo and the row factor, one per cycle through one multiplier. */
export const LAYER_PRODUCTS = 6;
/**
 * Drain cycles per value through the requantizer. Two (one multiplier takes the accumulator's
 * halves in turn: one SB_MAC16 less) when a tile's drain, 2 P_o P_c cycles, stays within the
 * shortest walk of a conv3 tile (one kept channel: 9 taps), i.e. P_o P_c <= 4; else one (two multipliers).
 */
export const requantBeats = (c: Pick<EngineConfig, 'peRows' | 'peCols'>): 1 | 2 => (c.peRows * c.peCols <= 4 ? 2 : 1);

export interface LayerTiming {
  cycles: number;
  /** MAC-loop cycles without a tap (0 for max-pool). */
  stalls: number;
  /** Taps that reached the MACs (columns of conv1/linear rows past C are not taps). */
  taps: number;
}

/** A kept row: matrix row, its c field (conv1/linear: the row), its B block. */
export interface KeptRow { row: number; c: number; block: number }

/** Kept rows of each pruning group of an sd layer, from the IDX image (dense: every row, block 0). */
export function keptRowsByGroup(d: Descriptor, c: EngineConfig, images: MemoryImages): KeptRow[][] {
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
  const overhead = 1 + (descriptorLayout(c).words + 1) + LAYER_PRODUCTS + 1;
  if (d.kind === 'maxpool2') return { cycles: overhead + 1 + 4 * d.O * d.outH * d.outW + 2, stalls: 0, taps: 0 };
  const slot = d.stride === 2 && c.peCols > 1 ? 3 : 1;
  const latency = actLatency(d.stride, c.peCols);
  const tail = d.final ? 0 : REQUANT_TAIL;
  const beats = d.final ? 1 : requantBeats(c);  // drain cycles per value
  const groups = keptRowsByGroup(d, c, images);
  let loop = 0;
  let taps = 0;
  for (const t of outputTiles(d.O, d.groupSize, c.peRows)) {
    const rows = groups[t.group]!;
    // Cycle numbers relative to the output tile's first cycle.
    let fetch = t.lanes + 1 + 2;     // the first fetch (or B reload start) follows tinit, start, count
    let lastIssue = -Infinity;
    let lastDrain = 0;
    let held = -1;
    for (let oy = 0; oy < d.outH; oy++) {
      for (let ox0 = 0; ox0 < d.outW; ox0 += c.peCols) {
        const drain = t.lanes * Math.min(c.peCols, d.outW - ox0) * beats;
        const earliest = lastIssue + Math.max(lastDrain, latency + 1);
        if (rows.length === 0) {
          lastIssue = Math.max(fetch, earliest);  // one issue cycle in wempty
          fetch = lastIssue + 1;
        } else {
          rows.forEach((r, i) => {
            if (c.mode === 'sd' && r.block !== held) {
              fetch += t.lanes;
              held = r.block;
            }
            taps += tapsOfRow(d, r);
            let issue = fetch + 1 + 2 * slot;  // slot 0 of the third tap
            if (i === rows.length - 1) issue = Math.max(issue, earliest);
            if (i === rows.length - 1) lastIssue = issue;
            fetch = issue + slot - 1;
          });
        }
        lastDrain = drain;
      }
    }
    // Busy until the last write (capture at L + 1, drain, requantizer); oflush sees the pipeline
    // empty a cycle later and the advance (ptile) follows: the output tile's cycles are 0..busyEnd + 2.
    const busyEnd = lastIssue + latency + 1 + lastDrain + tail;
    loop += busyEnd + 3;
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

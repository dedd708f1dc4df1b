/**
 * The golden model: runs the PACKED memory images exactly as the engine does (docs/engine.md
 * "Dataflow"). It walks the descriptors in DESC, decodes every word through the memory map, rebuilds
 * SD weights from Ce codes and B with shifts and adds (sw/quant/sd-weights.ts rebuildBlock), walks
 * only kept rows, multiply-accumulates, requantizes (sw/quant/fixed-point.ts), max-pools, and writes
 * the final layer's accumulators to LOGITS. It never sees the IntModel; it must equal runInt.
 *
 * Read-only memories are decoded once per engine (the images cannot change during a run); every
 * use is still counted as a read where the hardware reads.
 */
import { requantize } from '../quant/fixed-point.js';
import { rebuildBlock } from '../quant/sd-weights.js';
import { codeShift } from '../sd/pow2.js';
import type { EngineConfig } from './config.js';
import { ERROR_CODES, decodeDescriptor, descriptorError, descriptorLayout, outputTiles, type Descriptor, type DescriptorLayout, type ErrorCode } from './descriptor.js';
import { addEvents, emptyEvents, type CycleHook, type EngineEvents, type LayerTrace } from './events.js';
import { fieldOf, readField, unpackWord } from './fields.js';
import { actLocation, memoryMap, memoryOf, type MemoryMap, type MemoryName } from './memory-map.js';

export type MemoryImages = Partial<Record<MemoryName, bigint[][]>>;

export interface GoldenResult {
  /** `error`: the controller stopped on a malformed descriptor or an address out of range. */
  status: 'done' | 'error';
  error?: { code: ErrorCode; layer: number; message: string };
  /** LOGITS words written by the final layer, in order. */
  logits: Int32Array;
  /** argmax of the logits, ties to the lowest index (the RESULT CSR). */
  label: number;
  events: EngineEvents;
  layers: LayerTrace[];
  /** Sum of the cycle hook over the layers, when a hook is given. */
  cycles?: number;
}

/** A stop of the controller with a CSR error code. */
class EngineFault extends Error {
  constructor(readonly code: ErrorCode, message: string) {
    super(message);
  }
}

/** Two's complement wrap to `bits` (what a bits-wide accumulator holds). */
export function wrapSigned(v: number, bits: number): number {
  const m = 2 ** bits;
  const r = ((v % m) + m) % m;
  return r >= m / 2 ? r - m : r;
}

interface IdxEntry { c: number; kh: number; block: number }
interface RebuiltRow { w: Int8Array; shiftAdds: number[] }

export class GoldenEngine {
  readonly map: MemoryMap;
  readonly desc: DescriptorLayout;
  private readonly cache = new Map<string, unknown>();
  private readonly widths: Partial<Record<MemoryName, number>>;

  constructor(readonly config: EngineConfig, private readonly images: MemoryImages) {
    this.map = memoryMap(config);
    this.desc = descriptorLayout(config);
    this.widths = Object.fromEntries(this.map.memories.map((m) => [m.name, m.width]));
  }

  /** Runs one inference; `act` is the ACT image (banks) holding the input (sw/engine/act-alloc.ts). */
  run(act: bigint[][], opts: { cycles?: CycleHook } = {}): GoldenResult {
    const c = this.config;
    const actMem = memoryOf(this.map, 'ACT');
    const acts = new Int8Array(c.actDepth * c.peCols);
    const valueField = fieldOf(actMem.word, 'value');
    for (let a = 0; a < acts.length; a++) {
      const { bank, word } = actLocation(c, a);
      acts[a] = readField(act[bank]![word]!, valueField);
    }
    const logits = new Int32Array(c.logitsDepth);
    let logitCount = 0;
    const total = this.newEvents();
    const layers: LayerTrace[] = [];
    let cycles = opts.cycles ? 0 : undefined;
    const maxLayers = Math.floor(c.descDepth / this.desc.words);
    let error: GoldenResult['error'];
    for (let i = 0; ; i++) {
      const ev = this.newEvents();
      try {
        if (i >= maxLayers) throw new EngineFault(ERROR_CODES.address, `descriptor walk ran past DESC (${c.descDepth} words) without a final layer`);
        const words = Array.from({ length: this.desc.words }, (_, k) => this.word('DESC', i * this.desc.words + k, ev));
        const d = decodeDescriptor(words, this.desc);
        const bad = descriptorError(d, c);
        if (bad) throw new EngineFault(bad.code, bad.message);
        let keptRows: number[] = [];
        if (d.kind === 'maxpool2') this.pool(d, acts, ev);
        else {
          keptRows = this.mac(d, acts, logits, ev);
          if (d.final) logitCount = d.O * d.outH * d.outW;
        }
        const trace: LayerTrace = { descriptor: d, keptRows, events: ev };
        layers.push(trace);
        addEvents(total, ev);
        if (cycles !== undefined) cycles += opts.cycles!.layerCycles(trace, c);
        if (d.final) break;
      } catch (e) {
        if (!(e instanceof EngineFault)) throw e;
        addEvents(total, ev);
        error = { code: e.code, layer: i, message: `layer ${i}: ${e.message}` };
        break;
      }
    }
    const out = logits.slice(0, logitCount);
    let label = 0;
    for (let k = 1; k < out.length; k++) if (out[k]! > out[label]!) label = k;
    return { status: error ? 'error' : 'done', ...(error ? { error } : {}), logits: out, label, events: total, layers, ...(cycles !== undefined ? { cycles } : {}) };
  }

  private newEvents(): EngineEvents {
    return emptyEvents(this.map.memories.map((m) => m.name));
  }

  /** One counted word read of a model memory; out-of-range addresses stop the engine. */
  private word(name: MemoryName, addr: number, ev: EngineEvents, count = 1): bigint {
    const mem = memoryOf(this.map, name);
    if (addr < 0 || addr >= mem.depth) throw new EngineFault(ERROR_CODES.address, `${name} address ${addr} is outside 0..${mem.depth - 1}`);
    this.countRead(name, ev, count);
    return this.images[name]?.[0]?.[addr] ?? 0n;
  }

  private countRead(name: MemoryName, ev: EngineEvents, words: number): void {
    const t = ev.memories[name]!;
    t.readWords += words;
    t.readBits += words * this.widths[name]!;
  }

  private countWrite(name: MemoryName, ev: EngineEvents, words: number): void {
    const t = ev.memories[name]!;
    t.writeWords += words;
    t.writeBits += words * this.widths[name]!;
  }

  /** Decodes a read-only word once (counting the read every time). */
  private decoded<T>(name: MemoryName, format: string, addr: number, ev: EngineEvents, decode: (w: bigint) => T, count = 1): T {
    const key = `${name}.${format}:${addr}`;
    if (this.cache.has(key)) {
      this.word(name, addr, ev, count);
      return this.cache.get(key) as T;
    }
    const v = decode(this.word(name, addr, ev, count));
    this.cache.set(key, v);
    return v;
  }

  private idxEntry(addr: number, ev: EngineEvents): IdxEntry {
    return this.decoded('IDX', 'entry', addr, ev, (w) => unpackWord(memoryOf(this.map, 'IDX').formats.entry!, w) as unknown as IdxEntry);
  }

  /** SD: weights of one CE word (lanes x S) rebuilt from its codes and each lane's B word. */
  private rebuiltRow(d: Descriptor, ceAddr: number, o0: number, lanes: number, block: number, ev: EngineEvents): RebuiltRow {
    const key = `rebuilt:${ceAddr}`;
    const hit = this.cache.get(key) as RebuiltRow | undefined;
    this.word('CE', ceAddr, ev);
    if (hit) return hit;
    const c = this.config;
    const S = c.basis;
    const ceMem = memoryOf(this.map, 'CE');
    const codes = unpackWord(ceMem.word, this.images.CE?.[0]?.[ceAddr] ?? 0n).code as number[];
    const w = new Int8Array(c.peRows * S);
    const shiftAdds = new Array<number>(c.peRows).fill(0);
    const scratch = this.newEvents(); // B words are counted where the lane registers load them
    for (let lane = 0; lane < lanes; lane++) {
      const laneCodes = codes.slice(lane * S, lane * S + S);
      const b = unpackWord(memoryOf(this.map, 'B').word, this.word('B', d.bBase + (o0 + lane) * d.blocksPerOutput + block, scratch));
      const row = rebuildBlock({ rows: 1, codes: laneCodes, bq: b.bq as number[], shift: b.shift as number, rowMask: [1] }, S, c.ceExpBits);
      row.forEach((v, j) => { w[lane * S + j] = v; });
      shiftAdds[lane] = laneCodes.filter((code) => codeShift(code, c.ceExpBits).sign !== 0).length;
    }
    const r = { w, shiftAdds };
    this.cache.set(key, r);
    return r;
  }

  /** Conv3, conv1 or linear layer; returns kept rows per group (sd). */
  private mac(d: Descriptor, acts: Int8Array, logits: Int32Array, ev: EngineEvents): number[] {
    const c = this.config;
    const S = c.basis;
    const P = c.peCols;
    const sd = c.mode === 'sd';
    const conv3 = d.kind === 'conv3';
    const tiles = outputTiles(d.O, d.groupSize, c.peRows);
    const keptRows: number[] = [];
    let idxPtr = d.idxBase;
    let ceAddr = d.weightBase;
    let entries: IdxEntry[] = [];
    const accs = Array.from({ length: c.peRows }, () => new Float64Array(P));
    let actReads = 0;
    tiles.forEach((t, ti) => {
      ev.outputTiles++;
      const firstOfGroup = ti === 0 || tiles[ti - 1]!.group !== t.group;
      let count = d.rows;
      if (sd) {
        if (firstOfGroup && ti > 0) idxPtr += 1 + entries.length;
        const scratch = this.newEvents(); // the count and the entries are read on every walk, counted below
        count = this.decoded('IDX', 'count', idxPtr, scratch, (w) => readField(w, fieldOf(memoryOf(this.map, 'IDX').formats.count!, 'count')));
        if (firstOfGroup) {
          keptRows.push(count);
          entries = Array.from({ length: count }, (_, k) => this.idxEntry(idxPtr + 1 + k, scratch));
        }
      }
      // lane registers: bias, M and shift of each output of the tile
      const bias: number[] = [];
      const quant: { multiplier: number; shift: number }[] = [];
      for (let l = 0; l < t.lanes; l++) {
        bias.push(this.decoded('BIAS', 'word', d.chanBase + t.o0 + l, ev, (w) => unpackWord(memoryOf(this.map, 'BIAS').word, w).bias as number));
        if (!d.final) quant.push(this.decoded('QUANT', 'word', d.chanBase + t.o0 + l, ev, (w) => unpackWord(memoryOf(this.map, 'QUANT').word, w) as unknown as { multiplier: number; shift: number }));
      }
      let heldBlock = -1; // the block whose B words the lane registers hold
      const rowWeights: Int8Array[] = [];
      const rowShiftAdds: number[] = [];
      const rowEntries: IdxEntry[] = [];
      const scratch = this.newEvents(); // weights are fetched once here, counted per pixel tile below
      for (let i = 0; i < count; i++) {
        if (sd) {
          const e = entries[i]!;
          const r = this.rebuiltRow(d, ceAddr + i, t.o0, t.lanes, e.block, scratch);
          rowWeights.push(r.w);
          rowShiftAdds.push(r.shiftAdds.reduce((a, b) => a + b, 0));
          rowEntries.push(e);
        } else {
          const wAddr = d.weightBase + ti * d.rows + i;
          rowWeights.push(this.decoded('W', 'word', wAddr, scratch, (w) => Int8Array.from(unpackWord(memoryOf(this.map, 'W').word, w).w as number[])));
          rowEntries.push(conv3 ? { c: Math.floor(i / 3), kh: i % 3, block: 0 } : { c: i, kh: 0, block: 0 });
        }
      }
      for (let oy = 0; oy < d.outH; oy++) {
        for (let ox0 = 0; ox0 < d.outW; ox0 += P) {
          const cols = Math.min(P, d.outW - ox0);
          ev.pixelTiles++;
          for (let l = 0; l < t.lanes; l++) accs[l]!.fill(bias[l]!);
          if (sd) this.countRead('IDX', ev, 1); // each walk of the kept rows starts with the group's count word
          for (let i = 0; i < count; i++) {
            const e = rowEntries[i]!;
            const w = rowWeights[i]!;
            if (sd) {
              this.countRead('IDX', ev, 1);
              this.countRead('CE', ev, 1);
              if (e.block !== heldBlock) {
                this.countRead('B', ev, t.lanes);
                heldBlock = e.block;
              }
            } else {
              this.countRead('W', ev, 1);
            }
            for (let j = 0; j < S; j++) {
              const ch = conv3 ? e.c : S * e.c + j;
              if (ch >= d.C) continue; // a padding column of the rows layout never reaches the MACs
              const iy = oy * d.stride + (conv3 ? e.kh : 0) - d.padding;
              if (sd) {
                ev.rebuiltWeights += t.lanes;
                ev.rebuildShiftAdds += rowShiftAdds[i]!;
              }
              for (let p = 0; p < cols; p++) {
                const ix = (ox0 + p) * d.stride + (conv3 ? j : 0) - d.padding;
                let a = d.zIn;
                if (iy >= 0 && iy < d.H && ix >= 0 && ix < d.W) {
                  a = acts[d.actIn + (ch * d.H + iy) * d.W + ix]!;
                  actReads++;
                }
                for (let l = 0; l < t.lanes; l++) accs[l]![p]! += a * w[l * S + j]!;
              }
              ev.macs += t.lanes * cols;
            }
          }
          this.countRead('ACT', ev, actReads);
          actReads = 0;
          ev.rowsWalked += count;
          ev.rowsSkipped += d.rows - count;
          for (let l = 0; l < t.lanes; l++) {
            const o = t.o0 + l;
            for (let p = 0; p < cols; p++) {
              const acc = wrapSigned(accs[l]![p]!, c.accBits);
              const at = (o * d.outH + oy) * d.outW + ox0 + p;
              if (d.final) {
                logits[at] = acc;
                this.countWrite('LOGITS', ev, 1);
                ev.logitsWritten++;
              } else {
                acts[d.actOut + at] = requantize(acc, quant[l]!, d.zOut, d.clampLo);
                this.countWrite('ACT', ev, 1);
                ev.requantized++;
              }
            }
          }
        }
      }
      ceAddr += sd ? count : 0;
    });
    return keptRows;
  }

  /** 2x2 max-pool, stride 2; the maximum starts at clampLo (a folded ReLU). */
  private pool(d: Descriptor, acts: Int8Array, ev: EngineEvents): void {
    for (let ch = 0; ch < d.C; ch++) {
      for (let oy = 0; oy < d.outH; oy++) {
        for (let ox = 0; ox < d.outW; ox++) {
          const at = d.actIn + (ch * d.H + 2 * oy) * d.W + 2 * ox;
          acts[d.actOut + (ch * d.outH + oy) * d.outW + ox] = Math.max(d.clampLo, acts[at]!, acts[at + 1]!, acts[at + d.W]!, acts[at + d.W + 1]!);
          this.countRead('ACT', ev, 4);
          this.countWrite('ACT', ev, 1);
          ev.poolOutputs++;
        }
      }
    }
  }
}

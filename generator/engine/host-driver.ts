/**
 * Drives the engine top's host bus from the harness (verif/), synchronously: write and read host
 * words, load a packed model and an input image, start, wait for the end (bounded in cycles), and
 * read status, result, counters and logits. Addresses come from the memory map's host regions.
 */
import type { Simulation } from '../../verif/index.js';
import type { EngineConfig } from '../../sw/engine/config.js';
import type { MemoryImages } from '../../sw/engine/golden.js';
import { memoryMap, type MemoryMap, type MemoryName } from '../../sw/engine/memory-map.js';
import { hostWords } from '../../sw/engine/images.js';
import { COUNTER_NAMES, CSR, type CounterName } from './csr.js';

export interface EngineRunResult {
  status: 'done' | 'error';
  /** CSR ERROR (0 when done). */
  code: number;
  layer: number;
  label: number;
  logits: Int32Array;
  counters: Record<CounterName, number>;
  /** Cycles the harness stepped from start to idle. */
  wallCycles: number;
}

export class EngineHost {
  readonly map: MemoryMap;

  constructor(readonly sim: Simulation, readonly config: EngineConfig) {
    this.map = memoryMap(config);
  }

  reset(): void {
    this.sim.drive({ rst: 1, req_valid: 0, req_write: 0, req_addr: 0, req_wdata: 0 });
    this.sim.step();
    this.sim.step();
    this.sim.set('rst', 0);
  }

  base(name: 'CSR' | MemoryName): number {
    const r = this.map.regions.find((x) => x.name === name);
    if (!r) throw new Error(`no host region ${name} in ${this.config.mode} mode`);
    return r.base;
  }

  write(addr: number, data: number): void {
    const s = this.sim;
    s.drive({ req_valid: 1, req_write: 1, req_addr: addr, req_wdata: data >>> 0 });
    for (let guard = 0; s.get('req_ready') !== 1; guard++) {
      if (guard > 100_000) throw new Error(`host write to ${addr.toString(16)}: req_ready stayed low`);
      s.step();
    }
    s.step();
    s.set('req_valid', 0);
  }

  read(addr: number): number {
    const s = this.sim;
    s.drive({ req_valid: 1, req_write: 0, req_addr: addr });
    for (let guard = 0; s.get('req_ready') !== 1; guard++) {
      if (guard > 100_000) throw new Error(`host read of ${addr.toString(16)}: req_ready stayed low`);
      s.step();
    }
    s.step();
    s.set('req_valid', 0);
    if (s.get('resp_valid') !== 1) throw new Error(`host read of ${addr.toString(16)}: no response one cycle after the request`);
    return s.get('resp_rdata') as number;
  }

  /** Writes every used word of the model memories (least significant host word first). */
  loadModel(images: MemoryImages, used: Partial<Record<MemoryName, number>>): number {
    let words = 0;
    for (const m of this.map.memories) {
      const image = images[m.name];
      if (!image || m.name === 'ACT') continue;
      const base = this.base(m.name);
      const n = m.hostWordsPerWord;
      for (let k = 0; k < (used[m.name] ?? 0); k++) {
        hostWords(image[0]![k]!, m.width).forEach((w, i) => this.write(base + k * n + i, w));
        words += n;
      }
    }
    return words;
  }

  /** Writes bytes of the linear activation space starting at `at`. */
  loadActivations(bytes: ArrayLike<number>, at = 0): void {
    const base = this.base('ACT');
    for (let i = 0; i < bytes.length; i++) this.write(base + at + i, bytes[i]! & 0xff);
  }

  /** Writes a DESC word (for malformed-descriptor tests). */
  writeDesc(word: number, value: number): void {
    this.write(this.base('DESC') + word, value);
  }

  /** Starts a run and steps until the engine is idle; throws after `timeoutCycles`. */
  run(opts: { timeoutCycles: number; logits: number }): EngineRunResult {
    const s = this.sim;
    this.write(this.base('CSR') + CSR.CTRL, 1);
    let cycles = 0;
    while (s.get('busy') === 1) {
      if (cycles >= opts.timeoutCycles) throw new Error(`engine still busy after ${cycles} cycles (timeout ${opts.timeoutCycles})`);
      s.step();
      cycles++;
    }
    const csr = this.base('CSR');
    const status = this.read(csr + CSR.STATUS);
    const counters = Object.fromEntries(COUNTER_NAMES.map((n, i) => [n, this.read(csr + CSR.COUNTERS + i)])) as Record<CounterName, number>;
    const logits = new Int32Array(opts.logits);
    // A LOGITS word is a signed accBits value; the host bus returns it zero-extended.
    const pad = 32 - this.config.accBits;
    for (let i = 0; i < opts.logits; i++) logits[i] = (this.read(this.base('LOGITS') + i) << pad) >> pad;
    return {
      status: (status & 4) !== 0 ? 'error' : 'done',
      code: this.read(csr + CSR.ERROR), layer: this.read(csr + CSR.LAYER), label: this.read(csr + CSR.RESULT),
      logits, counters, wallCycles: cycles,
    };
  }
}

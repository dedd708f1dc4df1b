/**
 * The CSR block's performance counters (generator/engine/csr.ts over counter-bank.ts: totals in
 * block RAM, pending sums in flip-flops, increments registered at the bank's input).
 *
 * CSR level, against a TypeScript model of the documented contract: one plain counter per word
 * that clears on start, adds its increment on busy cycles only, wraps at counterBits, reads
 * exactly while the engine is idle except in the first cycle after busy falls, and reads 0 while
 * busy and in that cycle. Random runs (seeded): start pulses, busy stretches of random length,
 * increments at their maximum on every counter for whole runs (the pending sums' worst case),
 * uniform, or sparse; increments on idle cycles (must not count); host reads while busy; a read in
 * the first idle cycle (0) and from the second on (exact), back to back; a start in the first idle
 * cycle; reads before the first start.
 *
 * Bank level, against a cycle-by-cycle TypeScript model of the bank's registers (the design in
 * counter-bank.ts's header, written again from it): `value` and `readable` on every cycle of random
 * busy/go/index sequences with busy pauses without a start, plus the contract on every readable
 * read, plus no pending sum ever exceeding its width. Also the lint gate, and the bank's iCE40 cost.
 */
import { describe, expect, test } from 'vitest';
import { Rng } from '../../common/rng.js';
import { fromEmitted, type Simulation } from '../../verif/index.js';
import { simTest } from '../../verif/vitest.js';
import { emitBlock, ice40Cost } from '../engine/check.js';
import { lintGateTest } from './helpers/lint-gate.js';
import { COUNTERS, CSR, CsrBlock, type CsrParams } from '../engine/csr.js';
import { CounterBank, flushPeriodOf, pendBitsOf } from '../engine/counter-bank.js';

/** icebreaker.json's CSR (2x1 PEs, 24-bit counters) and a 4x2 one at 16 bits, which wraps within a run. */
const CASES: { label: string; params: CsrParams; seed: number }[] = [
  { label: '2x1, 24-bit', params: { peRows: 2, peCols: 1, basis: 3, dimBits: 14, layerBits: 4, resultBits: 4, configId: 0x9e3779b9, counterBits: 24 }, seed: 7101 },
  { label: '4x2, 16-bit', params: { peRows: 4, peCols: 2, basis: 3, dimBits: 12, layerBits: 5, resultBits: 4, configId: 0x1234abcd, counterBits: 16 }, seed: 7102 },
];

/** The contract, written from docs/engine.md (CSR block): plain counters, no storage tricks. */
class CounterModel {
  readonly counts = new Array<bigint>(COUNTERS.length).fill(0n);
  constructor(private readonly bits: number) {}

  /** One clock edge: start clears, busy counts. */
  step(go: boolean, busy: boolean, incs: readonly number[]): void {
    if (go) this.counts.fill(0n);
    else if (busy) this.counts.forEach((c, i) => { this.counts[i] = (c + BigInt(incs[i]!)) % (1n << BigInt(this.bits)); });
  }
}

interface Cycle { busy: boolean; write: boolean; read: boolean; addr: number; incs: number[] }

for (const { label, params, seed } of CASES) {
  const block = emitBlock(CsrBlock(params));
  const incMax = COUNTERS.map((c) => 2 ** c.incBits(params) - 1);

  describe(`CSR counters in block RAM (${label})`, () => {
    lintGateTest([block]);

    simTest('random runs, starts and host reads equal the counter model', fromEmitted(block.emitted), (sim: Simulation) => {
      const rng = new Rng(seed);
      const model = new CounterModel(params.counterBits);
      const idleInputs = { we: 0, re: 0, addr: 0, wdata: 0, busy: 0, done: 0, error: 0, code: 0, layer: 0, result: 0 };
      sim.drive({ rst: 1, ...idleInputs, ...Object.fromEntries(COUNTERS.map((c) => [`inc_${c.name}`, 0])) });
      sim.step();
      sim.set('rst', 0);
      let cycle = 0;
      let exactReads = 0;
      let busyReads = 0;
      let firstIdleReads = 0;
      let wasBusy = false;

      /** One cycle; a read's answer is checked in the next cycle (rdata after the edge). */
      const run = (c: Cycle): void => {
        const go = c.write && c.addr === CSR.CTRL && !c.busy;
        sim.drive({ ...idleInputs, busy: c.busy ? 1 : 0, we: c.write ? 1 : 0, re: c.read ? 1 : 0, addr: c.addr, wdata: c.write ? 1 : 0 });
        COUNTERS.forEach((k, i) => sim.set(`inc_${k.name}`, c.incs[i]!));
        const i = c.addr - CSR.COUNTERS;
        const readable = !c.busy && !wasBusy;
        const expected = readable ? model.counts[i]! : 0n;
        expect(sim.get('start'), `cycle ${cycle}: start (seed ${seed})`).toBe(go ? 1 : 0);
        sim.step();
        model.step(go, c.busy, c.incs);
        wasBusy = c.busy;
        cycle++;
        if (!c.read) return;
        if (readable) exactReads++; else if (c.busy) busyReads++; else firstIdleReads++;
        const when = c.busy ? 'while busy' : readable ? 'while idle' : 'in the first idle cycle';
        expect(BigInt(sim.get('rdata')), `cycle ${cycle - 1}: read of ${COUNTERS[i]!.name} ${when} (seed ${seed})`).toBe(expected);
      };
      const randomIncs = (style: number): number[] => incMax.map((max) =>
        style === 0 ? max : style === 1 ? rng.int(0, max) : rng.int(0, 7) === 0 ? rng.int(0, max) : 0);
      const counterAddr = (): number => CSR.COUNTERS + rng.int(0, COUNTERS.length - 1);
      const idle = (read: boolean, addr = counterAddr()): void => run({ busy: false, write: false, read, addr, incs: randomIncs(1) });
      const start = (): void => run({ busy: false, write: true, read: false, addr: CSR.CTRL, incs: randomIncs(0) });

      // Never started: every counter reads 0.
      for (let i = 0; i < COUNTERS.length; i++) idle(true, CSR.COUNTERS + i);
      for (let r = 0; r < 70; r++) {
        start();
        const style = r % 3; // 0: every counter at its maximum every cycle
        const length = r % 10 === 9 ? rng.int(3000, 6000) : rng.int(1, 400);
        for (let t = 0; t < length; t++) {
          const read = rng.int(0, 15) === 0;
          run({ busy: true, write: false, read, addr: read ? counterAddr() : CSR.STATUS, incs: randomIncs(style) });
        }
        // First idle cycle (the last increment and flush write still landing): a start, or a
        // read (0), then reads of every counter in random order, back to back or with gaps.
        if (rng.int(0, 3) === 0) continue;
        idle(true);
        const order = COUNTERS.map((_, i) => i);
        for (let i = order.length - 1; i > 0; i--) { const j = rng.int(0, i); [order[i], order[j]] = [order[j]!, order[i]!]; }
        for (const i of order) {
          idle(true, CSR.COUNTERS + i);
          if (rng.int(0, 3) === 0) idle(false);
        }
      }
      idle(false);
      console.log(`compared ${exactReads} idle counter reads, ${busyReads} busy reads and ${firstIdleReads} first-idle-cycle reads (0 expected) over ${cycle} cycles of ${block.top} with the counter model (seed ${seed})`);
    }, { timeout: 120_000 });
  });
}

/**
 * The bank's registers, cycle by cycle (counter-bank.ts's header): registered increments, a flush
 * that picks pend beside the memory read (pend restarts from inc_q) and writes the sum a cycle
 * later, from counter 0 after a start; a counter is fresh (its total counts as 0) from the start
 * until the flush has read it.
 */
class BankModel {
  busyQ = false;
  phase = false;
  slot: number;
  firstSweep = true;
  picked = 0n;
  freshQ = false;
  stored = 0n;
  readonly incQ: bigint[];
  readonly pend: bigint[];
  readonly totals: bigint[];
  /**
   * The largest pending sum seen, as a fraction of the design's bound: the increments of
   * FLUSH_PERIOD + 1 busy cycles at their maximum (counter-bank.ts pendBitsOf).
   */
  worstFill = 0;

  constructor(private readonly pendBits: readonly number[], private readonly incMax: readonly number[], private readonly counterBits: number) {
    const n = pendBits.length;
    this.incQ = new Array<bigint>(n).fill(0n);
    this.pend = new Array<bigint>(n).fill(0n);
    this.slot = n - 1;
    this.totals = new Array<bigint>(n).fill(0n);
  }

  readable(busy: boolean): boolean { return !busy && !this.busyQ; }
  value(): bigint { return ((this.freshQ ? 0n : this.stored) + this.picked) % (1n << BigInt(this.counterBits)); }

  step(go: boolean, busy: boolean, index: number, incs: readonly number[]): void {
    const n = this.pend.length;
    const flushRead = busy && !this.phase;
    const next = (this.slot + 1) % n;
    const at = busy ? next : index;
    const pendNext = this.pend.map((v, i) => {
      const sum = v + this.incQ[i]!;
      const capacity = 1n << BigInt(this.pendBits[i]!);
      if (sum >= capacity) throw new Error(`pend${i} = ${sum} overflows its ${this.pendBits[i]} bits`);
      const bound = (flushPeriodOf(n) + 1) * this.incMax[i]!;
      if (Number(sum) > bound) throw new Error(`pend${i} = ${sum} exceeds the bound ${bound}`);
      this.worstFill = Math.max(this.worstFill, Number(sum) / bound);
      return sum;
    });
    if (this.phase) this.totals[this.slot] = this.value();
    else this.stored = this.totals[at]!;
    this.picked = this.pend[at]!;
    this.freshQ = this.firstSweep && at >= next;
    for (let i = 0; i < n; i++) {
      const flushed = flushRead && next === i;
      this.pend[i] = go ? 0n : flushed ? this.incQ[i]! : pendNext[i]!;
    }
    if (go) { this.slot = n - 1; this.firstSweep = true; } else if (flushRead) { this.slot = next; if (next === n - 1) this.firstSweep = false; }
    this.phase = flushRead;
    this.busyQ = busy;
    incs.forEach((v, i) => { this.incQ[i] = busy ? BigInt(v) : 0n; });
  }
}

describe('counter bank against its cycle model and the counter contract', () => {
  const params = CASES[1]!.params;
  const incBits = COUNTERS.map((c) => c.incBits(params));
  const bits = 16;
  const block = emitBlock(CounterBank({ incBits, counterBits: bits }));
  const seed = 7103;

  simTest('random busy/go/index sequences: value and readable on every cycle', fromEmitted(block.emitted), (sim: Simulation) => {
    const rng = new Rng(seed);
    const incMax = incBits.map((b) => 2 ** b - 1);
    const bank = new BankModel(incBits.map((b) => pendBitsOf(b, incBits.length)), incMax, bits);
    const counters = new CounterModel(bits);
    sim.drive({ rst: 1, go: 0, busy: 0, index: 0, ...Object.fromEntries(incBits.map((_, i) => [`inc${i}`, 0])) });
    sim.step();
    sim.set('rst', 0);
    let cycle = 0;
    let contractReads = 0;
    let pending: { index: number; want: bigint } | undefined;
    const run = (go: boolean, busy: boolean, style: number): void => {
      const index = rng.int(0, incBits.length - 1);
      const incs = incMax.map((max) => style === 0 ? max : style === 1 ? rng.int(0, max) : rng.int(0, 7) === 0 ? rng.int(0, max) : 0);
      sim.drive({ go: go ? 1 : 0, busy: busy ? 1 : 0, index, ...Object.fromEntries(incs.map((v, i) => [`inc${i}`, v])) });
      const where = `cycle ${cycle} (seed ${seed})`;
      expect(sim.get('readable'), `${where}: readable`).toBe(bank.readable(busy) ? 1 : 0);
      expect(BigInt(sim.get('value')), `${where}: value`).toBe(bank.value());
      if (pending) {
        expect(bank.value(), `${where}: answer to the read of counter ${pending.index}`).toBe(pending.want);
        contractReads++;
      }
      pending = bank.readable(busy) && !go ? { index, want: counters.counts[index]! } : undefined;
      sim.step();
      bank.step(go, busy, index, incs);
      counters.step(go, busy, incs);
      cycle++;
    };
    for (let r = 0; r < 60; r++) {
      // A start: usually in the first idle cycle after the previous run, sometimes later.
      const gap = rng.int(0, 2) === 0 ? 0 : rng.int(1, 40);
      for (let t = 0; t < gap; t++) run(false, false, 1);
      run(true, false, 0);
      const style = r % 3;
      // A run: busy stretches, sometimes paused without a start (the flush resumes).
      const pauses = rng.int(0, 3) === 0 ? rng.int(1, 3) : 0;
      for (let k = 0; k <= pauses; k++) {
        const length = r % 10 === 9 ? rng.int(1000, 3000) : rng.int(1, 200);
        for (let t = 0; t < length; t++) run(false, true, style);
        if (k < pauses) for (let t = rng.int(1, 5); t > 0; t--) run(false, false, 1);
      }
    }
    run(false, false, 1);
    run(false, false, 1);
    expect(bank.worstFill, 'the worst case (every increment at its maximum) reaches the pending sums\' bound').toBe(1);
    console.log(`compared value and readable on ${cycle} cycles of ${block.top} with its cycle model, ${contractReads} readable reads with the counter model, worst pending sum ${(bank.worstFill * 100).toFixed(0)}% of its bound (seed ${seed})`);
  }, { timeout: 120_000 });
});

describe('counter bank cost (iCE40)', () => {
  test('16 x 24-bit counters: block RAM instead of 384 flip-flops', () => {
    const bank = emitBlock(CounterBank({ incBits: COUNTERS.map((c) => c.incBits(CASES[0]!.params)), counterBits: 24 }));
    const cost = ice40Cost(bank);
    // The totals must be in block RAM: only the pending sums, the fresh flags and the flush state are flip-flops.
    expect(cost.rams).toBeGreaterThan(0);
    expect(cost.flops).toBeLessThan(COUNTERS.length * 24 / 2);
    console.log(`compared ${bank.top}: ${cost.luts} LUT4, ${cost.flops} FF, ${cost.carries} carry, ${cost.rams} SB_RAM40_4K (register counters: 384 FF)`);
  }, 60_000);
});

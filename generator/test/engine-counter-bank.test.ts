/**
 * The CSR block's performance counters (generator/engine/csr.ts over counter-bank.ts: totals in
 * block RAM, pending sums in flip-flops) against a TypeScript model of the documented contract:
 * one plain counter per word that clears on start, adds its increment on busy cycles only, wraps
 * at counterBits, reads exactly while the engine is idle and reads 0 while it is busy.
 *
 * Random runs (seeded): start pulses, busy stretches of random length, increments at their
 * maximum on every counter for whole runs (the pending sums' worst case), uniform, or sparse;
 * increments on idle cycles (must not count); host reads while busy; reads in the first idle
 * cycle after busy falls (a flush write may still be due) and back to back; a start in that same
 * cycle; reads before the first start. Also the lint gate, and the bank's iCE40 cost.
 */
import { describe, expect, test } from 'vitest';
import { Rng } from '../../common/rng.js';
import { fromEmitted, type Simulation } from '../../verif/index.js';
import { simTest } from '../../verif/vitest.js';
import { emitBlock, ice40Cost, lintBlock } from '../engine/check.js';
import { COUNTERS, CSR, CsrBlock, type CsrParams } from '../engine/csr.js';
import { CounterBank } from '../engine/counter-bank.js';
import { describeFailures } from '../emit/toolcheck.js';

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
    test('lint gate: verilator -Wall, yosys check, iverilog', () => {
      const r = lintBlock(block);
      expect(r.ok, describeFailures(r.results)).toBe(true);
      console.log(`compared 3 tools on ${block.top}: 0 warnings, 0 latches`);
    });

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

      /** One cycle; a read's answer is checked in the next cycle (rdata after the edge). */
      const run = (c: Cycle): void => {
        const go = c.write && c.addr === CSR.CTRL && !c.busy;
        sim.drive({ ...idleInputs, busy: c.busy ? 1 : 0, we: c.write ? 1 : 0, re: c.read ? 1 : 0, addr: c.addr, wdata: c.write ? 1 : 0 });
        COUNTERS.forEach((k, i) => sim.set(`inc_${k.name}`, c.incs[i]!));
        const i = c.addr - CSR.COUNTERS;
        const expected = c.busy ? 0n : model.counts[i]!;
        expect(sim.get('start'), `cycle ${cycle}: start (seed ${seed})`).toBe(go ? 1 : 0);
        sim.step();
        model.step(go, c.busy, c.incs);
        cycle++;
        if (!c.read) return;
        if (c.busy) busyReads++; else exactReads++;
        expect(BigInt(sim.get('rdata')), `cycle ${cycle - 1}: read of ${COUNTERS[i]!.name} ${c.busy ? 'while busy' : 'while idle'} (seed ${seed})`).toBe(expected);
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
        // First idle cycle (a flush write may still be due): a start, or the first of the reads
        // of every counter in random order, back to back or with gaps.
        if (rng.int(0, 3) === 0) continue;
        const order = COUNTERS.map((_, i) => i);
        for (let i = order.length - 1; i > 0; i--) { const j = rng.int(0, i); [order[i], order[j]] = [order[j]!, order[i]!]; }
        for (const i of order) {
          idle(true, CSR.COUNTERS + i);
          if (rng.int(0, 3) === 0) idle(false);
        }
      }
      idle(false);
      console.log(`compared ${exactReads} idle counter reads and ${busyReads} busy reads (0 expected) over ${cycle} cycles of ${block.top} with the counter model (seed ${seed})`);
    }, { timeout: 120_000 });
  });
}

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

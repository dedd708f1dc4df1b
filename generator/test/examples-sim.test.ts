/**
 * The example library on the Verilator harness, each against a TypeScript reference: counter,
 * MAC and sequence detector by cycle vectors; the FIFO by coroutine driver/sink/monitor/
 * scoreboard under random valid/ready traffic; the UART transmitter against the expected line
 * waveform, the receiver against driven frames, and the pair looped back through the harness
 * with broken stop bits. Fixed seeds; every failure message carries the seed.
 */
import { describe, expect, test } from 'vitest';
import { Rng } from '../../common/rng.js';
import { elaborate, type ModuleSpec } from '../dsl/index.js';
import { emitVerilog, type EmittedVerilog } from '../emit/index.js';
import { Counter, Fifo, Mac, SeqDet, UartRx, UartTx, type MacParams } from '../examples/index.js';
import { fromEmitted } from '../../verif/emitted.js';
import { withSimulation } from '../../verif/vitest.js';
import {
  UartPair, compareRuns, counterVectors, macVectors, regressFifo, regressUartLoopback, regressUartRx, regressUartTx,
  runOnVerilator, seqdetVectors, summarize, type RegressionResult,
} from '../../verif/regress/index.js';

const emit = (spec: ModuleSpec<unknown>): EmittedVerilog => emitVerilog(elaborate(spec), { locators: false });

function pass(name: string, r: RegressionResult): void {
  console.log(summarize(name, r));
  expect(r.mismatches, `seed ${r.seed}`).toEqual([]);
}

describe('vector examples against TypeScript models (Verilator)', () => {
  test.each([{ width: 8 }, { width: 4, wrap: 9 }, { width: 3, wrap: 4 }])('counter %o', async (p) => {
    const seed = 11;
    const emitted = emit(Counter(p));
    const rows = counterVectors.vectors(p, new Rng(seed), 4000);
    const want = counterVectors.expected(p, rows);
    const run = await runOnVerilator(emitted, rows, counterVectors.outputs);
    const { compared, mismatches } = compareRuns(emitted.top, run, want);
    console.log(`${emitted.top}: compared ${compared} values over ${rows.length} cycles (seed ${seed})`);
    expect(mismatches, `seed ${seed}`).toEqual([]);
    expect(want.filter((r) => r[1] === 1n).length).toBeGreaterThan(5);   // the wrap happened many times
  });

  const macs: MacParams[] = [
    { aWidth: 8, bWidth: 8, fracBits: 4, accWidth: 16, overflow: 'saturate' },
    { aWidth: 12, bWidth: 10, fracBits: 6, accWidth: 16, overflow: 'wrap' },
    { aWidth: 16, bWidth: 16, fracBits: 15, accWidth: 40, overflow: 'saturate' },
  ];
  test.each(macs)('mac %o', async (p) => {
    const seed = 23;
    const emitted = emit(Mac(p));
    const rows = macVectors.vectors(p, new Rng(seed), 4000);
    const want = macVectors.expected(p, rows);
    const run = await runOnVerilator(emitted, rows, macVectors.outputs);
    const { compared, mismatches } = compareRuns(emitted.top, run, want);
    console.log(`${emitted.top}: compared ${compared} values over ${rows.length} cycles (seed ${seed})`);
    expect(mismatches, `seed ${seed}`).toEqual([]);
    // Coverage: both limits (or the wrap) were reached, not just small sums.
    const accs = want.map((r) => r[0]).filter((v): v is bigint => v !== undefined).map((v) => BigInt.asIntN(p.accWidth, v));
    const top = (1n << BigInt(p.accWidth - 1)) - 1n;
    if (p.overflow === 'saturate' && p.accWidth === 16) {
      expect(accs).toContain(top);
      expect(accs).toContain(-top - 1n);
      expect(want.some((r) => r[1] === 1n)).toBe(true);
    }
    if (p.overflow === 'wrap') expect(accs.some((v, i) => i > 0 && (v < 0n) !== (accs[i - 1]! < 0n) && (v - accs[i - 1]!) ** 2n > top * top)).toBe(true);
  });

  test('mac: rounding is toward minus infinity (a round-to-nearest model is caught)', async () => {
    const p: MacParams = { aWidth: 8, bWidth: 8, fracBits: 4, accWidth: 20, overflow: 'saturate' };
    const emitted = emit(Mac(p));
    const rows = macVectors.vectors(p, new Rng(5), 300);
    const run = await runOnVerilator(emitted, rows, macVectors.outputs);
    // The reference floors; a model that rounds half up before the shift must disagree somewhere.
    expect(compareRuns('floor', run, macVectors.expected(p, rows)).mismatches).toEqual([]);
    const nearest = expectedRoundNearest(p, rows);
    const wrong = compareRuns('nearest', run, nearest);
    console.log(`compared ${wrong.compared} values against a deliberately wrong model: ${wrong.mismatches.length} mismatches reported`);
    expect(wrong.mismatches.length).toBeGreaterThan(0);
  });

  test.each(['1011', '111', '10010'])('seqdet %s', async (pattern) => {
    const seed = 31;
    const p = { pattern };
    const emitted = emit(SeqDet(p));
    const rows = seqdetVectors.vectors(p, new Rng(seed), 3000);
    const want = seqdetVectors.expected(p, rows);
    const run = await runOnVerilator(emitted, rows, seqdetVectors.outputs);
    const { compared, mismatches } = compareRuns(emitted.top, run, want);
    const hits = want.filter((r) => r[0] === 1n).length;
    console.log(`${emitted.top}: compared ${compared} values over ${rows.length} cycles, ${hits} cycles with a match (seed ${seed})`);
    expect(mismatches, `seed ${seed}`).toEqual([]);
    expect(hits).toBeGreaterThan(20);
  });
});

function expectedRoundNearest(p: MacParams, rows: readonly Record<string, bigint>[]): (bigint | undefined)[][] {
  const lo = -(1n << BigInt(p.accWidth - 1));
  const hi = -lo - 1n;
  let acc: bigint | undefined;
  let sat = 0n;
  return rows.map((row) => {
    const out = acc === undefined ? [undefined, undefined] : [BigInt.asUintN(p.accWidth, acc), sat];
    if (row.rst || row.clear) { acc = 0n; sat = 0n; } else if (row.en && acc !== undefined) {
      const prod = (BigInt.asIntN(p.aWidth, row.a!) * BigInt.asIntN(p.bWidth, row.b!) + (1n << BigInt(p.fracBits - 1))) >> BigInt(p.fracBits);
      const sum = acc + prod;
      acc = sum > hi ? hi : sum < lo ? lo : sum;
      if (acc !== sum) sat = 1n;
    }
    return out;
  });
}

describe('FIFO under random valid/ready traffic (coroutines)', () => {
  test.each([{ width: 8, depth: 16 }, { width: 13, depth: 2 }, { width: 32, depth: 64 }])('fifo %o', async (p) => {
    const emitted = emit(Fifo(p));
    await withSimulation(fromEmitted(emitted, { echo: false }), async (sim) => {
      let full = 0;
      let empty = 0;
      sim.fork(async () => {   // coverage monitor: the FIFO must fill up and run dry
        for (;;) {
          await sim.readOnly();
          if (sim.get('in_ready') === 0) full++;
          if (sim.get('out_valid') === 0) empty++;
          await sim.tick();
        }
      });
      const r = await regressFifo(sim, p, { seed: 97, cycles: 5000 });
      pass(emitted.top, r);
      console.log(`${emitted.top}: ${full} cycles full, ${empty} cycles with nothing to read`);
      expect(full).toBeGreaterThan(50);
      expect(empty).toBeGreaterThan(50);
    });
  });
});

describe('UART 8N1', () => {
  test('transmitter line and ready follow the frame waveform', async () => {
    const p = { clocksPerBit: 7 };
    await withSimulation(fromEmitted(emit(UartTx(p)), { echo: false }), async (sim) => {
      pass('uart_tx_cpb7', await regressUartTx(sim, p, { seed: 3, bytes: 60 }));
    });
  });

  test('receiver decodes driven frames and flags broken stop bits', async () => {
    const p = { clocksPerBit: 9 };
    await withSimulation(fromEmitted(emit(UartRx(p)), { echo: false }), async (sim) => {
      const r = await regressUartRx(sim, p, { seed: 4, bytes: 60, errorEvery: 7 });
      pass('uart_rx_cpb9', r);
      expect(r.compared).toBe(60);
    });
  });

  test('tx -> harness -> rx loopback with random bytes and framing errors', async () => {
    const p = { clocksPerBit: 8 };
    await withSimulation(fromEmitted(emit(UartPair(p)), { echo: false }), async (sim) => {
      const r = await regressUartLoopback(sim, p, { seed: 2024, bytes: 80, errorEvery: 9 });
      pass('uart loopback', r);
      expect(r.compared).toBe(80);
    });
  });
});

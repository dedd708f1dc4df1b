/**
 * Regressions of the example library on the Verilator harness: one entry point per example
 * kind, used by the tests (long runs) and by `smartdeal examples` (short runs).
 */
import { Rng } from '../../common/rng.js';
import type { EmittedVerilog } from '../../generator/emit/index.js';
import type { ExampleEntry } from '../../generator/examples/index.js';
import { fromEmitted } from '../emitted.js';
import { Simulation } from '../sim/simulation.js';
import { counterVectors } from './counter.js';
import { regressFifo } from './fifo.js';
import { macVectors } from './mac.js';
import type { RegressionResult } from './result.js';
import { seqdetVectors } from './seqdet.js';
import { regressUartRx, regressUartTx } from './uart.js';
import type { VectorExample } from './vector-example.js';
import { compareRuns, runOnVerilator } from './vectors.js';

export { summarize, type RegressionResult } from './result.js';
export { counterVectors } from './counter.js';
export { macVectors } from './mac.js';
export { seqdetVectors } from './seqdet.js';
export { regressFifo } from './fifo.js';
export { regressUartTx, regressUartRx, regressUartLoopback, UartPair, frameLevel } from './uart.js';
export { runOnVerilator, runOnIcarus, compareRuns, type Row, type VectorRun } from './vectors.js';
export type { VectorExample } from './vector-example.js';

export interface RegressOptions {
  seed: number;
  /** Cycles for vector and stream examples; UART examples send `cycles / (12 * clocksPerBit)` bytes (at least 4). */
  cycles: number;
}

/** Runs the regression that fits the example on its emitted Verilog. */
export async function regressExample(entry: ExampleEntry, emitted: EmittedVerilog, opts: RegressOptions): Promise<RegressionResult> {
  switch (entry.example) {
    case 'counter': return regressVectors(counterVectors, entry, emitted, opts);
    case 'mac': return regressVectors(macVectors, entry, emitted, opts);
    case 'seqdet': return regressVectors(seqdetVectors, entry, emitted, opts);
    default: break;
  }
  let result: RegressionResult;
  const bytes = Math.max(4, Math.floor(opts.cycles / (12 * ('clocksPerBit' in entry ? entry.clocksPerBit : 1))));
  // Not verif/vitest.ts: this also runs outside vitest (smartdeal examples).
  const sim = await Simulation.create(fromEmitted(emitted, { echo: false }));
  try {
    if (entry.example === 'fifo') result = await regressFifo(sim, entry, opts);
    else if (entry.example === 'uart_tx') result = await regressUartTx(sim, entry, { seed: opts.seed, bytes });
    else result = await regressUartRx(sim, entry, { seed: opts.seed, bytes, errorEvery: 4 });
  } finally {
    sim.close();
  }
  return result;
}

async function regressVectors<P>(ex: VectorExample<P>, params: P, emitted: EmittedVerilog, opts: RegressOptions): Promise<RegressionResult> {
  const rows = ex.vectors(params, new Rng(opts.seed), opts.cycles);
  const run = await runOnVerilator(emitted, rows, ex.outputs);
  const { compared, mismatches } = compareRuns(emitted.top, run, ex.expected(params, rows));
  return { cycles: rows.length, compared, what: `output values (${ex.outputs.join(', ')})`, mismatches, seed: opts.seed };
}

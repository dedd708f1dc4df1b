/**
 * UART regressions on the harness. The reference is the 8N1 frame written out in TypeScript
 * (start 0, eight data bits lsb first, stop 1, `clocksPerBit` cycles each):
 * - transmitter: every cycle its line and `in.ready` are compared with the waveform the accepted
 *   bytes must produce;
 * - receiver: the harness drives frames (some with a broken stop bit) and checks the received
 *   bytes and framing errors, in order;
 * - loopback: a transmitter and a receiver in one model, the line carried from tx to rx by the
 *   harness, which breaks the stop bit of chosen frames.
 */
import { Rng } from '../../common/rng.js';
import { Bool, UInt, defineModule, stream } from '../../generator/dsl/index.js';
import { UartRx, UartTx, type UartParams } from '../../generator/examples/index.js';
import type { Simulation } from '../sim/simulation.js';
import type { RegressionResult } from './result.js';

/** Line level `offset` cycles into the frame of `byte` (start bit, data lsb first, stop bit). */
export function frameLevel(byte: number, offset: number, clocksPerBit: number): 0 | 1 {
  const bitIndex = Math.floor(offset / clocksPerBit);
  if (bitIndex === 0) return 0;
  if (bitIndex <= 8) return ((byte >> (bitIndex - 1)) & 1) as 0 | 1;
  return 1;
}

type RxEvent = { byte: number } | { frameError: true };
const showEvent = (e: RxEvent | undefined): string => (e === undefined ? 'nothing' : 'byte' in e ? `byte 0x${e.byte.toString(16)}` : 'a framing error');

async function reset(sim: Simulation, idle: Record<string, number>): Promise<void> {
  sim.drive({ rst: 1, ...idle });
  await sim.tick();
  await sim.tick();
  sim.set('rst', 0);
}

/** The transmitter against the expected line waveform, cycle by cycle. */
export async function regressUartTx(sim: Simulation, p: UartParams, opts: { seed: number; bytes: number }): Promise<RegressionResult> {
  const rng = new Rng(opts.seed);
  const cpb = p.clocksPerBit;
  const frameCycles = 10 * cpb;
  const mismatches: string[] = [];
  await reset(sim, { in_valid: 0, in_data: 0 });
  let current: { byte: number; start: number } | undefined;   // frame in flight: its first cycle
  let sent = 0;
  let compared = 0;
  while (sent < opts.bytes || current) {
    // Offer a new byte now and then (valid may also be high while busy: it must wait).
    const offer = sent < opts.bytes && rng.next() < 0.3;
    const data = rng.int(0, 255);
    sim.drive({ in_valid: offer, in_data: data });
    await sim.readOnly();
    const offset = current ? sim.cycle - current.start : -1;
    const wantLine = current ? frameLevel(current.byte, offset, cpb) : 1;
    const wantReady = current ? 0 : 1;
    for (const [port, want] of [['tx', wantLine], ['in_ready', wantReady], ['busy', 1 - wantReady]] as const) {
      compared++;
      const got = sim.get(port);
      if (got !== want && mismatches.length < 10) mismatches.push(`cycle ${sim.cycle}: ${port}: expected ${want}, got ${got}${current ? ` (${offset} cycles into the frame of 0x${current.byte.toString(16)})` : ''}`);
    }
    if (current && offset === frameCycles - 1) current = undefined;
    else if (!current && offer) {
      current = { byte: data, start: sim.cycle + 1 };
      sent++;
    }
    await sim.tick();
  }
  return { cycles: sim.cycle, compared, what: `line/ready values (${sent} frames)`, mismatches, seed: opts.seed };
}

/** Collects the receiver's valid / frame_error pulses as events. */
function collectRx(sim: Simulation, events: RxEvent[]): void {
  sim.fork(async () => {
    for (;;) {
      await sim.readOnly();
      if (sim.get('valid') === 1) events.push({ byte: Number(sim.get('data')) });
      if (sim.get('frame_error') === 1) events.push({ frameError: true });
      await sim.tick();
    }
  });
}

function compareEvents(want: readonly RxEvent[], got: readonly RxEvent[]): string[] {
  const mismatches: string[] = [];
  for (let i = 0; i < Math.max(want.length, got.length) && mismatches.length < 10; i++) {
    if (showEvent(want[i]) !== showEvent(got[i])) mismatches.push(`frame ${i}: expected ${showEvent(want[i])}, got ${showEvent(got[i])}`);
  }
  return mismatches;
}

/** Random idle gap (in cycles) between frames: often none, sometimes a few bits. */
const gap = (rng: Rng, cpb: number): number => (rng.next() < 0.5 ? 1 : rng.int(1, 3 * cpb));

/** The receiver fed frames by the harness; every `errorEvery`-th frame has its stop bit low. */
export async function regressUartRx(sim: Simulation, p: UartParams, opts: { seed: number; bytes: number; errorEvery?: number }): Promise<RegressionResult> {
  const rng = new Rng(opts.seed);
  const cpb = p.clocksPerBit;
  await reset(sim, { rx: 1 });
  const got: RxEvent[] = [];
  const want: RxEvent[] = [];
  collectRx(sim, got);
  for (let i = 0; i < opts.bytes; i++) {
    const byte = rng.int(0, 255);
    const broken = opts.errorEvery !== undefined && i % opts.errorEvery === opts.errorEvery - 1;
    for (let c = 0; c < 10 * cpb; c++) {
      const level = broken && c >= 9 * cpb ? 0 : frameLevel(byte, c, cpb);
      sim.set('rx', level);
      await sim.tick();
    }
    want.push(broken ? { frameError: true } : { byte });
    sim.set('rx', 1);
    await sim.cycles(gap(rng, cpb));
  }
  await sim.cycles(2 * cpb);   // let the last stop bit be sampled
  return { cycles: sim.cycle, compared: want.length, what: 'received frames', mismatches: compareEvents(want, got), seed: opts.seed };
}

/** A transmitter and a receiver side by side; the harness carries tx_line to rx_line. */
export const UartPair = defineModule('uart_pair', (m, p: UartParams) => {
  const { clk, rst } = m.clockAndReset();
  const input = m.input('in', stream(UInt(8)));
  const rxLine = m.input('rx_line', Bool);
  const tx = m.instance('u_tx', UartTx(p), { clk, rst, in_valid: input.valid, in_data: input.data });
  const rx = m.instance('u_rx', UartRx(p), { clk, rst, rx: rxLine });
  input.ready.set(tx.io.in.ready);
  m.output('tx_line', Bool).set(tx.io.tx);
  m.output('valid', Bool).set(rx.io.valid);
  m.output('data', UInt(8)).set(rx.io.data);
  m.output('frame_error', Bool).set(rx.io.frame_error);
  m.output('busy', Bool).set(tx.io.busy);
});

/**
 * Loopback: random bytes go into the transmitter; each cycle the harness copies tx_line to
 * rx_line (one register stage of "wire"), forcing the line low during the stop bit of every
 * `errorEvery`-th frame. The receiver must return every other byte and a framing error for those.
 */
export async function regressUartLoopback(sim: Simulation, p: UartParams, opts: { seed: number; bytes: number; errorEvery?: number }): Promise<RegressionResult> {
  const rng = new Rng(opts.seed);
  const cpb = p.clocksPerBit;
  await reset(sim, { in_valid: 0, in_data: 0, rx_line: 1 });
  const got: RxEvent[] = [];
  const want: RxEvent[] = [];
  collectRx(sim, got);
  let broken: [number, number] = [-1, -1];   // cycles during which the harness holds the line low
  sim.fork(async () => {
    for (;;) {
      const forceLow = sim.cycle >= broken[0] && sim.cycle < broken[1];
      sim.set('rx_line', forceLow ? 0 : sim.get('tx_line'));
      await sim.tick();
    }
  });
  for (let i = 0; i < opts.bytes; i++) {
    const byte = rng.int(0, 255);
    const breakIt = opts.errorEvery !== undefined && i % opts.errorEvery === opts.errorEvery - 1;
    sim.drive({ in_valid: 1, in_data: byte });
    for (let waited = 0; ; waited++) {
      if (waited > 12 * cpb) throw new Error(`uart_pair: in_ready stayed low for ${waited} cycles before byte ${i} (seed ${opts.seed})`);
      await sim.readOnly();
      const ready = sim.get('in_ready') === 1;
      await sim.tick();
      if (ready) break;
    }
    // Accepted at this edge: the frame's start bit is on the line from this cycle on.
    if (breakIt) broken = [sim.cycle + 9 * cpb, sim.cycle + 10 * cpb];
    want.push(breakIt ? { frameError: true } : { byte });
    sim.drive({ in_valid: 0 });
    await sim.cycles(gap(rng, cpb));
  }
  await sim.waitFor(() => sim.get('busy') === 0, { timeoutCycles: 12 * cpb, what: 'the last frame' });
  await sim.cycles(2 * cpb);
  return { cycles: sim.cycle, compared: want.length, what: 'looped-back frames', mismatches: compareEvents(want, got), seed: opts.seed };
}

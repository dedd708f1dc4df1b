/**
 * `smartdeal board --virtual`: the engine board top (fpga/board/engine-board.ts) on Verilator
 * behind a pseudo-terminal. The host tool opens the pty's slave path with serialport exactly as it
 * opens a real board; here the simulation reads the master side, drives the board's rx pin with
 * the UART bit timing, samples its tx pin and writes the bytes back. Simulated time runs in chunks
 * between turns of the event loop, so the host tool can run in the same process.
 */
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { elaborate } from '../../generator/dsl/index.js';
import { emitVerilog } from '../../generator/emit/index.js';
import type { EngineConfig } from '../../sw/engine/config.js';
import { Simulation, fromEmitted } from '../../verif/index.js';
import { EngineBoard } from '../board/engine-board.js';
import { SimulatedUart } from './board-sim.js';
import { PseudoTerminal } from './pty.js';

export interface VirtualBoardOptions {
  /** Clock cycles per UART bit in simulation (small keeps it fast; at least 4). */
  clocksPerBit?: number;
  /** The bridge's inter-byte timeout in cycles. */
  timeoutCycles?: number;
}

export const VIRTUAL_CLOCKS_PER_BIT = 4;
/** Cycles simulated between looks at the pty. */
const CHUNK = 2048;

export interface VirtualBoard {
  /** The pty slave to open with serialport. */
  path: string;
  clocksPerBit: number;
  timeoutCycles: number;
  /** Cycles simulated so far. */
  cycles(): number;
  /** Stops the simulation and closes the pty. */
  close(): Promise<void>;
}

export async function startVirtualBoard(config: EngineConfig, o: VirtualBoardOptions = {}): Promise<VirtualBoard> {
  const clocksPerBit = o.clocksPerBit ?? VIRTUAL_CLOCKS_PER_BIT;
  // A long timeout in bit times: the pty hands bytes over in pieces, between which simulated time runs on.
  const timeoutCycles = o.timeoutCycles ?? 400 * clocksPerBit * 10;
  const spec = EngineBoard({ config, clockHz: 12_000_000, clocksPerBit, timeoutCycles, leds: 3, ledActiveLow: false, button: false });
  const sim = await Simulation.create(fromEmitted(emitVerilog(elaborate(spec)), { echo: false }));
  const uart = new SimulatedUart(sim, clocksPerBit);
  uart.run(64);   // past the power-on reset
  const pty = PseudoTerminal.open();
  let stopped = false;
  let failure: unknown;
  let pendingOut: number[] = [];

  const loop = (async (): Promise<void> => {
    while (!stopped) {
      const incoming = pty.read();
      if (incoming.length) uart.send(incoming);
      uart.run(CHUNK);
      pendingOut.push(...uart.take());
      if (pendingOut.length) {
        const sent = pty.write(Uint8Array.from(pendingOut));
        pendingOut = pendingOut.slice(sent);
      }
      // Nothing arrived and nothing is on the lines: let the host's side of the process run.
      if (incoming.length === 0 && uart.quiet && pendingOut.length === 0) await sleep(1);
      else await nextTurn();
    }
  })().catch((e: unknown) => { failure = e; });

  return {
    path: pty.slavePath, clocksPerBit, timeoutCycles,
    cycles: () => sim.cycle,
    close: async () => {
      stopped = true;
      await loop;
      pty.close();
      sim.close();
      if (failure) throw failure;
    },
  };
}

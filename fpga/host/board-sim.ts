/**
 * A design with a UART on the Verilator harness, clocked cycle by cycle with both ends of the
 * line in lockstep (fpga/host/uart-line.ts): bytes queued with `send` go out on its rx pin, bytes
 * it transmits on its tx pin are collected. Ports are written and read through the harness's
 * typed-array views, the fastest path per cycle.
 */
import type { Simulation } from '../../verif/index.js';
import { UartLineDriver, UartLineSampler } from './uart-line.js';

export interface UartPins {
  rx: string;
  tx: string;
}

export class SimulatedUart {
  readonly driver: UartLineDriver;
  readonly sampler: UartLineSampler;
  private received: number[] = [];
  private readonly rxView: Uint8Array | Uint16Array | Uint32Array | BigUint64Array;
  private readonly txView: Uint8Array | Uint16Array | Uint32Array | BigUint64Array;

  constructor(readonly sim: Simulation, readonly clocksPerBit: number, pins: UartPins = { rx: 'uart_rx', tx: 'uart_tx' }) {
    this.driver = new UartLineDriver(clocksPerBit);
    this.sampler = new UartLineSampler(clocksPerBit, (b) => this.received.push(b));
    this.rxView = sim.port(pins.rx).view;
    this.txView = sim.port(pins.tx).view;
    this.rxView[0] = 1 as never;
  }

  send(bytes: ArrayLike<number>): void {
    this.driver.send(bytes);
  }

  /** Runs `cycles` clock cycles; `beforeEdge` runs before each one (a bus model, say). */
  run(cycles: number, beforeEdge?: () => void): void {
    const rx = this.rxView as Uint8Array;
    const tx = this.txView as Uint8Array;
    for (let i = 0; i < cycles; i++) {
      rx[0] = this.driver.next();
      beforeEdge?.();
      this.sim.step();
      this.sampler.sample(tx[0]! & 1);
    }
  }

  /** Bytes received since the last call. */
  take(): number[] {
    const out = this.received;
    this.received = [];
    return out;
  }

  /** Nothing queued, nothing on either line. */
  get quiet(): boolean {
    return this.driver.pending === 0 && !this.sampler.receiving;
  }
}

/**
 * The board top for the examples: the UART receiver and transmitter of the example library
 * echo every byte received (through a 16-byte FIFO, so back-to-back frames are never dropped),
 * one LED blinks at about 1 Hz as a heartbeat and the others show the low bits of the last byte
 * received. Reset comes from the power-on reset (and the board's button, if it has one).
 */
import { Bool, UInt, cat, defineModule } from '../../generator/dsl/index.js';
import { Fifo } from '../../generator/examples/fifo.js';
import { UartRx, UartTx } from '../../generator/examples/uart.js';
import { PowerOnReset } from './reset.js';

export interface EchoTopParams {
  clockHz: number;
  baud: number;
  /** LEDs on the board (at least 1). */
  leds: number;
  /** LEDs light when their pin is low (iCEBreaker) or high (HX8K breakout). */
  ledActiveLow: boolean;
  /** The board has a reset button (active low), wired to `btn_n`. */
  button: boolean;
}

export const EchoTop = defineModule('board_echo', (m, p: EchoTopParams) => {
  const clk = m.input('clk', Bool);
  const rxPin = m.input('uart_rx', Bool);
  const txPin = m.output('uart_tx', Bool);
  const ledPins = m.output('led', UInt(p.leds));
  const resetConnections: Record<string, typeof clk> = { clk };
  if (p.button) resetConnections.btn_n = m.input('btn_n', Bool);
  const por = m.instance('por', PowerOnReset({ button: p.button, bits: 4 }), resetConnections);
  const rst = por.io.rst;
  m.setDefaultDomain(m.clockDomain(clk, { reset: rst }));

  const clocksPerBit = Math.round(p.clockHz / p.baud);
  const rx = m.instance('rx', UartRx({ clocksPerBit }), { clk, rst, rx: rxPin });
  const fifo = m.instance('fifo', Fifo({ width: 8, depth: 16 }), { clk, rst, in_valid: rx.io.valid, in_data: rx.io.data });
  const tx = m.instance('tx', UartTx({ clocksPerBit }), { clk, rst, in_valid: fifo.io.out.valid, in_data: fifo.io.out.data });
  fifo.io.out.ready.set(tx.io.in.ready);
  txPin.set(tx.io.tx);

  // Heartbeat: the top bit of a counter that wraps about once a second.
  const beatBits = Math.max(2, Math.round(Math.log2(p.clockHz)));
  const beat = m.reg('heartbeat', UInt(beatBits), { init: 0 });
  beat.set(beat.add(1).trunc(beatBits));
  const lastByte = m.reg('last_byte', UInt(8), { init: 0 });
  m.when(rx.io.valid, () => lastByte.set(rx.io.data));

  if (p.leds < 1 || p.leds > 9) throw new Error(`board_echo: expected 1 to 9 LEDs, found ${p.leds}`);
  const shown = p.leds === 1 ? beat.bit(beatBits - 1) : cat(lastByte.slice(p.leds - 2, 0), beat.bit(beatBits - 1));
  ledPins.set(p.ledActiveLow ? shown.not() : shown);
  return { clk, uart_rx: rxPin, uart_tx: txPin, led: ledPins };
}, { name: (p) => `board_echo_${p.leds}led${p.ledActiveLow ? 'n' : ''}${p.button ? '_btn' : ''}_cpb${Math.round(p.clockHz / p.baud)}` });

/**
 * Pin constraints: the board tops' ports (fpga/board) mapped to the board's pins, rendered with
 * templates/fpga/board.pcf.hbs. A top with a port the board has no pin for is an error.
 */
import type { PortInfo } from '../generator/dsl/index.js';
import type { Board } from './boards.js';
import { renderFpgaTemplate } from './templates.js';

interface PinLine { port: string; pin: string; note: string }

function pinsFor(board: Board, port: PortInfo): PinLine[] {
  const p = board.pins;
  const one = (pin: string | undefined, note: string): PinLine[] => {
    if (pin === undefined) throw new Error(`${board.name} has no pin for port ${port.name}`);
    return [{ port: port.name, pin, note }];
  };
  switch (port.name) {
    case 'clk': return one(p.clock, `${board.clockHz / 1e6} MHz oscillator`);
    case 'uart_rx': case 'scan_in': return one(p.uartRx, 'FTDI UART, host to FPGA');
    case 'uart_tx': case 'scan_out': return one(p.uartTx, 'FTDI UART, FPGA to host');
    case 'btn_n': return one(p.buttonN, 'user button, active low');
    case 'led': {
      if (port.width > p.leds.length) throw new Error(`${board.name} has ${p.leds.length} LEDs, port led has ${port.width} bits`);
      return Array.from({ length: port.width }, (_, i) => ({
        port: `led[${i}]`, pin: p.leds[i]!, note: `${i === 0 ? 'heartbeat' : `last byte bit ${i - 1}`}${p.ledActiveLow ? ', lit when low' : ''}`,
      }));
    }
    default: throw new Error(`no board pin for port ${port.name}; board tops use clk, uart_rx, uart_tx, btn_n, led, scan_in, scan_out`);
  }
}

export function renderPcf(board: Board, top: string, ports: readonly PortInfo[]): string {
  return renderFpgaTemplate('board.pcf.hbs', {
    top, boardTitle: board.title, source: board.source, pins: ports.flatMap((port) => pinsFor(board, port)),
  });
}

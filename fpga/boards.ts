/**
 * The two boards the flow targets: device and package for nextpnr and icetime, resource
 * capacities, and the pins the board tops use. Pin sources (also listed in docs/fpga.md):
 * iCEBreaker: YosysHQ/icestorm examples/icebreaker/icebreaker.pcf (CLK 35, RX 6, TX 9, BTN_N 10,
 * LEDR_N 11, LEDG_N 37); iCE40-HX8K breakout: YosysHQ/icestorm examples/hx8kboard/hx8kboard.pcf
 * (clk J3, LEDs B5 B4 A2 A1 C5 C4 B3 C3) and YosysHQ/picorv32 picosoc/hx8kdemo.pcf (ser_rx B10,
 * ser_tx B12).
 */
import { UserError } from '../common/user-error.js';

export type BoardName = 'icebreaker' | 'hx8k';
export const BOARD_NAMES: readonly BoardName[] = ['icebreaker', 'hx8k'];

/** What the device offers, in the units the report uses. */
export interface Capacity {
  lut4: number;
  ff: number;
  ebr: number;
  spram: number;
  dsp: number;
}

export interface Board {
  name: BoardName;
  title: string;
  /** nextpnr-ice40 device flag without dashes (`up5k`, `hx8k`) and package. */
  device: 'up5k' | 'hx8k';
  package: string;
  /** icetime's device name (`-d`). */
  icetimeDevice: string;
  capacity: Capacity;
  clockHz: number;
  pins: {
    clock: string;
    uartRx: string;
    uartTx: string;
    /** Reset button (active low), if the board has one. */
    buttonN?: string;
    /** LED pins, first is the heartbeat. */
    leds: readonly string[];
    ledActiveLow: boolean;
  };
  /** Where the pin facts come from. */
  source: string;
}

const BOARDS: Record<BoardName, Board> = {
  icebreaker: {
    name: 'icebreaker', title: 'iCEBreaker (iCE40UP5K-SG48)', device: 'up5k', package: 'sg48', icetimeDevice: 'up5k',
    // iCE40UP5K: 5280 logic cells (one LUT4 + one flip-flop each), 30 EBR of 4 kbit, 4 SPRAM of 256 kbit, 8 DSP.
    capacity: { lut4: 5280, ff: 5280, ebr: 30, spram: 4, dsp: 8 },
    clockHz: 12_000_000,
    pins: { clock: '35', uartRx: '6', uartTx: '9', buttonN: '10', leds: ['37', '11'], ledActiveLow: true },
    source: 'YosysHQ/icestorm examples/icebreaker/icebreaker.pcf (CLK 35, RX 6, TX 9, BTN_N 10, LEDG_N 37, LEDR_N 11)',
  },
  hx8k: {
    name: 'hx8k', title: 'iCE40-HX8K breakout board (iCE40HX8K-CT256)', device: 'hx8k', package: 'ct256', icetimeDevice: 'hx8k',
    // iCE40HX8K: 7680 logic cells, 32 EBR, no SPRAM, no DSP.
    capacity: { lut4: 7680, ff: 7680, ebr: 32, spram: 0, dsp: 0 },
    clockHz: 12_000_000,
    pins: { clock: 'J3', uartRx: 'B10', uartTx: 'B12', leds: ['B5', 'B4', 'A2', 'A1', 'C5', 'C4', 'B3', 'C3'], ledActiveLow: false },
    source: 'YosysHQ/icestorm examples/hx8kboard/hx8kboard.pcf (clk J3, LEDs B5 B4 A2 A1 C5 C4 B3 C3); YosysHQ/picorv32 picosoc/hx8kdemo.pcf (ser_rx B10, ser_tx B12)',
  },
};

export function getBoard(name: string): Board {
  if ((BOARD_NAMES as readonly string[]).includes(name)) return BOARDS[name as BoardName];
  throw new UserError(`--board: expected one of ${BOARD_NAMES.join(', ')}, found ${JSON.stringify(name)}`);
}

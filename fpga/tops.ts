/**
 * Which designs a configuration puts on the board: an engine configuration gives the engine board
 * top `board` (the engine behind the UART host bridge, fpga/board/engine-board.ts) on a board with
 * UART pins, else the engine top in the scan wrapper; an examples configuration gives each example
 * module and the board top `board` (UART echo + heartbeat, fpga/board/echo-top.ts). Designs other
 * than a board top sit in the scan wrapper, so they need only the clock and two UART pins.
 */
import { UserError } from '../common/user-error.js';
import type { ModuleSpec } from '../generator/dsl/index.js';
import { EngineTop } from '../generator/engine/engine-top.js';
import { exampleSpec } from '../generator/examples/index.js';
import { loadExamplesConfig } from '../generator/examples/config.js';
import { isEngineConfigFile, loadConfig } from '../sw/engine/config.js';
import type { Board } from './boards.js';
import { EchoTop } from './board/echo-top.js';
import { EngineBoard, UART_BAUD, boardTimeoutCycles, engineClockHz } from './board/engine-board.js';
import type { EngineConfig } from '../sw/engine/config.js';
import { UartBridge } from './board/uart-bridge.js';
import { linkLayout } from './link/protocol.js';
import { scanWrap, type ScanCost } from './board/scan-wrapper.js';

export const BOARD_TOP = 'board';

export interface FpgaTop {
  /** The name the user picks it by (`--top`): the module name, or `board`. */
  name: string;
  /** What is synthesised: the board top, or the design inside the scan wrapper. */
  spec: ModuleSpec<unknown>;
  scan?: ScanCost;
}

/** The board top for a board: its LEDs, button and clock. */
export function boardTop(board: Board): FpgaTop {
  const spec = EchoTop({
    clockHz: board.clockHz, baud: UART_BAUD, leds: board.pins.leds.length, ledActiveLow: board.pins.ledActiveLow,
    button: board.pins.buttonN !== undefined,
  });
  return { name: BOARD_TOP, spec: spec as ModuleSpec<unknown> };
}

/** The engine behind the UART bridge on a board; `clockMHz` other than the oscillator's runs it from the PLL. */
export function engineBoardTop(board: Board, config: EngineConfig, clockMHz?: number): FpgaTop & { clockHz: number } {
  const { clockHz, pll } = engineClockHz(board.clockHz, board.name, clockMHz);
  const clocksPerBit = Math.round(clockHz / UART_BAUD);
  const spec = EngineBoard({
    config, clockHz, clocksPerBit, timeoutCycles: boardTimeoutCycles(clockHz, clocksPerBit),
    leds: board.pins.leds.length, ledActiveLow: board.pins.ledActiveLow, button: board.pins.buttonN !== undefined, ...(pll ? { pll } : {}),
    sprams: board.capacity.spram,
  });
  return { name: BOARD_TOP, spec: spec as ModuleSpec<unknown>, clockHz };
}

export const BRIDGE_TOP = 'uart_bridge';

/** The engine board's UART bridge alone in the scan wrapper (`--top uart_bridge`): its own area and Fmax. */
export function bridgeTop(board: Board, config: EngineConfig, clockMHz?: number): FpgaTop {
  const { clockHz } = engineClockHz(board.clockHz, board.name, clockMHz);
  const clocksPerBit = Math.round(clockHz / UART_BAUD);
  const spec = UartBridge({ clocksPerBit, timeoutCycles: boardTimeoutCycles(clockHz, clocksPerBit), layout: linkLayout(config) });
  return { ...wrappedTop(spec as ModuleSpec<unknown>), name: BRIDGE_TOP };
}

/** A design inside the scan wrapper. */
export function wrappedTop(dut: ModuleSpec<unknown>): FpgaTop {
  const { spec, cost } = scanWrap(dut);
  return { name: dut.name, spec, scan: cost };
}

/** The designs of a configuration, or the one named by `top`. */
export function topsOf(configPath: string, board: Board, top?: string, clockMHz?: number): FpgaTop[] {
  let candidates: FpgaTop[];
  /** Built only when named with --top. */
  let onRequest: FpgaTop[] = [];
  if (isEngineConfigFile(configPath)) {
    const config = loadConfig(configPath).config;
    const hasUart = board.pins.uartRx !== '' && board.pins.uartTx !== '';
    candidates = hasUart ? [engineBoardTop(board, config, clockMHz)] : [wrappedTop(EngineTop({ config, sprams: board.capacity.spram }) as ModuleSpec<unknown>)];
    onRequest = [bridgeTop(board, config, clockMHz)];
  } else {
    const specs = loadExamplesConfig(configPath).examples.map((e) => exampleSpec(e));
    const unique = specs.filter((s, i) => specs.findIndex((x) => x.name === s.name) === i);
    candidates = [boardTop(board), ...unique.map(wrappedTop)];
  }
  if (top === undefined) return candidates;
  const all = [...candidates, ...onRequest];
  const chosen = all.find((c) => c.name === top);
  if (!chosen) throw new UserError(`--top: ${configPath} has no design ${JSON.stringify(top)}; expected one of ${all.map((c) => c.name).join(', ')}`);
  return [chosen];
}

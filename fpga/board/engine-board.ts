/**
 * The engine on a board: power-on reset (and button), the UART host bridge speaking the link
 * protocol (fpga/link/protocol.ts), and the engine top of a configuration on its host bus. LEDs:
 * the first is a heartbeat (steady while the engine runs), the second lights for about half a
 * second after an error reply, the third (where the board has one) while the engine is busy.
 */
import { Bool, UInt, cat, defineModule, lit, type Value } from '../../generator/dsl/index.js';
import { EngineTop, engineTopName } from '../../generator/engine/engine-top.js';
import type { EngineConfig } from '../../sw/engine/config.js';
import { UP5K_SPRAMS } from '../../sw/engine/memory-map.js';
import { linkLayout } from '../link/protocol.js';
import type { BoardName } from '../boards.js';
import { Pll, pllConfig } from './pll.js';
import { PowerOnReset } from './reset.js';
import { UartBridge } from './uart-bridge.js';

export interface EngineBoardParams {
  config: EngineConfig;
  /** Engine clock in Hz (sets the LED timings). */
  clockHz: number;
  /** Clock cycles per UART bit: clockHz / baud, rounded. */
  clocksPerBit: number;
  /** Inter-byte timeout of the bridge, in cycles. */
  timeoutCycles: number;
  leds: number;
  ledActiveLow: boolean;
  button: boolean;
  /** Run the design from the PLL instead of the oscillator (clockHz is then the PLL's output). */
  pll?: { board: BoardName; inputMHz: number; outputMHz: number };
  /** SPRAMs of the device (default 4, the iCE40UP5K; 0 on the iCE40HX): where the engine's memories go. */
  sprams?: number;
}

export const UART_BAUD = 115_200;

/** The engine clock of a board top: the oscillator, or what the PLL achieves for `clockMHz`. */
export function engineClockHz(oscillatorHz: number, board: BoardName, clockMHz?: number): { clockHz: number; pll?: EngineBoardParams['pll'] } {
  if (clockMHz === undefined || clockMHz * 1e6 === oscillatorHz) return { clockHz: oscillatorHz };
  const cfg = pllConfig(oscillatorHz / 1e6, clockMHz);
  return { clockHz: Math.round(cfg.achievedMHz * 1e6), pll: { board, inputMHz: oscillatorHz / 1e6, outputMHz: clockMHz } };
}

/** The bridge's inter-byte timeout for a clock: 10 ms (USB serial adapters pause between packets). */
export function boardTimeoutCycles(clockHz: number, clocksPerBit: number): number {
  return Math.max(Math.round(clockHz / 100), 40 * clocksPerBit);
}

export const EngineBoard = defineModule('board_engine', (m, p: EngineBoardParams) => {
  const pin = m.input('clk', Bool);
  const rxPin = m.input('uart_rx', Bool);
  const txPin = m.output('uart_tx', Bool);
  const ledPins = m.output('led', UInt(p.leds));
  // With the PLL, everything runs on its output and stays in reset until it locks.
  let clk: Value = pin;
  let locked: Value | undefined;
  if (p.pll) {
    const pll = m.instance('pll', Pll(p.pll), { clk_in: pin });
    clk = pll.port('clk_out');
    locked = pll.port('locked');
  }
  const resetConnections: Record<string, Value> = { clk };
  if (p.button) resetConnections.btn_n = m.input('btn_n', Bool);
  const por = m.instance('por', PowerOnReset({ button: p.button, bits: 4 }), resetConnections);
  let rst: Value = por.io.rst;
  if (locked) {
    const lockedQ = m.withDomain(m.clockDomain(clk), () => {
      const s1 = m.reg('locked_sync1', Bool, { init: 0 });
      const s2 = m.reg('locked_sync2', Bool, { init: 0 });
      s1.set(locked!);
      s2.set(s1);
      return s2;
    });
    rst = rst.or(lockedQ.not());
  }
  m.setDefaultDomain(m.clockDomain(clk, { reset: rst }));

  const layout = linkLayout(p.config);
  const bridge = m.instance('bridge', UartBridge({ clocksPerBit: p.clocksPerBit, timeoutCycles: p.timeoutCycles, layout }), { clk, rst, rx: rxPin });
  const engine = m.instance('engine', EngineTop({ config: p.config, ...(p.sprams !== undefined ? { sprams: p.sprams } : {}) }), {
    clk, rst,
    req_valid: bridge.port('req_valid'), req_write: bridge.port('req_write'), req_addr: bridge.port('req_addr'), req_wdata: bridge.port('req_wdata'),
  });
  bridge.port('req_ready').set(engine.port('req_ready'));
  bridge.port('resp_valid').set(engine.port('resp_valid'));
  bridge.port('resp_rdata').set(engine.port('resp_rdata'));
  const busy = engine.port('busy');
  bridge.port('busy').set(busy);
  txPin.set(bridge.port('tx'));

  // Heartbeat about 1 Hz. The error LED stays lit from an error reply until the heartbeat's bit
  // of period 2^(bits-2) cycles (about a third of a second) has risen twice: one to two periods,
  // about half a second, from a 2-bit count on the heartbeat instead of a counter of its own.
  const beatBits = Math.max(2, Math.round(Math.log2(p.clockHz)));
  const beat = m.reg('heartbeat', UInt(beatBits), { init: 0 });
  beat.set(beat.add(1).trunc(beatBits));
  const quarter = beat.bit(Math.max(0, beatBits - 3));
  const quarterBefore = m.reg('quarter_before', Bool, { init: 0 });
  quarterBefore.set(quarter);
  const errorAge = m.reg('error_age', UInt(2), { init: 3 });
  const errorLit = errorAge.ne(3);
  m.when(bridge.port('reply_error'), () => errorAge.set(1))
    .elseWhen(errorLit.and(quarter).and(quarterBefore.not()), () => errorAge.set(errorAge.add(1).trunc(2)));
  const lights: Value[] = [beat.bit(beatBits - 1).or(busy), errorLit, busy];
  if (p.leds < 1 || p.leds > 9) throw new Error(`board_engine: expected 1 to 9 LEDs, found ${p.leds}`);
  const shown = Array.from({ length: p.leds }, (_, i) => lights[i] ?? lit(0, Bool));
  const all = shown.length === 1 ? shown[0]! : cat(...shown.reverse());
  ledPins.set(p.ledActiveLow ? all.not() : all);
  return { clk: pin, uart_rx: rxPin, uart_tx: txPin, led: ledPins };
}, {
  name: (p) => `board_${engineTopName(p.config)}_${p.leds}led${p.ledActiveLow ? 'n' : ''}${p.button ? '_btn' : ''}_cpb${p.clocksPerBit}_t${p.timeoutCycles}` +
    (p.pll ? `_pll${String(p.pll.outputMHz).replace('.', 'p')}` : '') + (p.sprams !== undefined && p.sprams !== UP5K_SPRAMS ? `_spram${p.sprams}` : ''),
});

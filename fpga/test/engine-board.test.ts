/**
 * Which top an engine configuration puts on a board, and its clocking: the engine board top
 * (bridge + engine, board pins only) at the oscillator's 12 MHz, or from the PLL with the UART
 * divisor taken from the PLL's achieved frequency (hand-computed below).
 */
import { describe, expect, test } from 'vitest';
import { elaborate } from '../../generator/dsl/index.js';
import { emitVerilog } from '../../generator/emit/index.js';
import { getBoard } from '../boards.js';
import { BOARD_TOP, BRIDGE_TOP, topsOf } from '../tops.js';

function moduleNames(spec: Parameters<typeof elaborate>[0]): { top: string; modules: string[]; ports: string[] } {
  const design = elaborate(spec);
  const e = emitVerilog(design);
  return { top: e.top, modules: e.files.map((f) => f.name.replace(/\.v$/, '')), ports: design.ports().map((p) => `${p.name}:${p.width}`) };
}

describe('engine board top in the flow', () => {
  test('an engine configuration gives the board top with the UART bridge, from the oscillator or the PLL', () => {
    const cases = [
      // 12e6 / 115200 = 104.2 -> 104 clocks per bit; 10 ms timeout = 120000 cycles.
      { board: 'icebreaker', mhz: undefined, cpb: 104, timeout: 120_000, pll: undefined, ports: ['clk:1', 'uart_rx:1', 'uart_tx:1', 'led:2', 'btn_n:1'] },
      // 12 MHz x 64 / 2^5 = 24 MHz exactly: 208.3 -> 208.
      { board: 'icebreaker', mhz: 24, cpb: 208, timeout: 240_000, pll: 'pll_icebreaker_12_24mhz', ports: ['clk:1', 'uart_rx:1', 'uart_tx:1', 'led:2', 'btn_n:1'] },
      // 30 MHz (12 x 80 / 2^5): 260.4 -> 260; the HX8K has 8 LEDs and no button.
      { board: 'hx8k', mhz: 30, cpb: 260, timeout: 300_000, pll: 'pll_hx8k_12_30mhz', ports: ['clk:1', 'uart_rx:1', 'uart_tx:1', 'led:8'] },
    ] as const;
    for (const k of cases) {
      const tops = topsOf('configs/default.json', getBoard(k.board), undefined, k.mhz);
      expect(tops.map((t) => t.name)).toEqual([BOARD_TOP]);
      expect(tops[0]!.scan).toBeUndefined();
      const d = moduleNames(tops[0]!.spec);
      expect(d.ports.sort(), k.board).toEqual([...k.ports].sort());
      expect(d.modules.filter((n) => n.startsWith('uart_bridge_')).map((n) => n.split('_').slice(2, 4).join('_')), `${k.board} ${k.mhz}`).toEqual([`cpb${k.cpb}_t${k.timeout}`]);
      expect(d.modules.filter((n) => n.startsWith('pll_')), `${k.board} ${k.mhz}`).toEqual(k.pll ? [k.pll] : []);
      expect(d.modules.some((n) => n.startsWith('sd_engine_')), 'the engine is inside').toBe(true);
    }
    // The bridge alone, on request, in the scan wrapper (its own area and Fmax).
    const bridge = topsOf('configs/default.json', getBoard('icebreaker'), BRIDGE_TOP);
    expect(bridge.map((t) => [t.name, t.spec.name])).toEqual([[BRIDGE_TOP, 'scan_wrap_uart_bridge_cpb104_t120000_a18_c7d684b2']]);
    // Ports: rx, req_ready, resp_valid, busy (1 each) + resp_rdata 32 in; tx, req_valid, req_write, reply_error, req_addr 18, req_wdata 32 out.
    expect(bridge[0]!.scan).toEqual({ inputBits: 36, outputBits: 54 });
    console.log(`compared ports, bridge clocks per bit, timeout and PLL of ${cases.length} engine board tops, and the bridge's scan bits, with hand-computed values`);
  });
});

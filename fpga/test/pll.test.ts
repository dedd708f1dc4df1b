/**
 * The iCE40 PLL wrapper (fpga/board/pll.ts): dividers against icestorm's icepll, the emitted
 * instance, the behavioural model on Verilator and Icarus against a TypeScript model, and a tiny
 * top through the real flow (yosys, nextpnr-ice40, icepack) on both boards.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Bool, UInt, cat, defineModule, elaborate } from '../../generator/dsl/index.js';
import { emitVerilog } from '../../generator/emit/index.js';
import { verilatorLint } from '../../generator/emit/toolcheck.js';
import { compareRuns, runOnIcarus, runOnVerilator, type Row } from '../../verif/regress/index.js';
import { getBoard, type BoardName } from '../boards.js';
import { runFpgaFlow } from '../flow.js';
import { MODEL_LOCK_EDGES, Pll, pllConfig } from '../board/pll.js';

/** icepll's answer, parsed from its report. */
function icepll(outMHz: number): { divr: number; divf: number; divq: number; filterRange: number; achievedMHz: number } {
  const r = spawnSync('icepll', ['-i', '12', '-o', String(outMHz)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`icepll -i 12 -o ${outMHz} failed: ${r.stderr}`);
  const num = (re: RegExp): number => Number(re.exec(r.stdout)![1]);
  return {
    divr: num(/DIVR:\s+(\d+)/), divf: num(/DIVF:\s+(\d+)/), divq: num(/DIVQ:\s+(\d+)/),
    filterRange: num(/FILTER_RANGE:\s+(\d+)/), achievedMHz: num(/F_PLLOUT:\s+([\d.]+) MHz \(achieved\)/),
  };
}

/** A counter on the PLL clock, held at 0 until the PLL locks; its top bit drives the LED. */
const PllTop = defineModule('pll_top', (m, p: { board: BoardName; outputMHz: number; bits: number }) => {
  const clk = m.input('clk', Bool);
  const led = m.output('led', Bool);
  const count = m.output('count', UInt(p.bits));
  const pllClk = m.wire('pll_clk', Bool);
  const locked = m.wire('locked', Bool);
  m.instance('u_pll', Pll({ board: p.board, inputMHz: 12, outputMHz: p.outputMHz }), { clk_in: clk, clk_out: pllClk, locked });
  m.withDomain(m.clockDomain(pllClk, { reset: locked.not() }), () => {
    const n = m.reg('n', UInt(p.bits), { init: 0 });
    n.set(n.add(1).trunc(p.bits));
    count.set(n);
    led.set(n.bit(p.bits - 1));
  });
});

describe('PLL dividers', () => {
  it('match icepll -i 12 for outputs across the range', () => {
    const outs = [16, 20, 24, 25, 30, 33, 36, 40, 42, 48, 50, 54, 60, 64, 66, 72, 75, 80, 90, 96, 100, 108, 120, 133, 150, 200, 250, 275];
    for (const out of outs) {
      const cfg = pllConfig(12, out);
      const ref = icepll(out);
      expect({ divr: cfg.divr, divf: cfg.divf, divq: cfg.divq, filterRange: cfg.filterRange }, `-o ${out}`)
        .toEqual({ divr: ref.divr, divf: ref.divf, divq: ref.divq, filterRange: ref.filterRange });
      // icepll prints three decimals (15.9375 shows as 15.938).
      expect(Math.abs(cfg.achievedMHz - ref.achievedMHz), `-o ${out}`).toBeLessThanOrEqual(0.0005 + 1e-9);
    }
    // Hand check of one: 12 MHz * 80 / 2^5 = 30 MHz, VCO 960 MHz.
    expect(pllConfig(12, 30)).toMatchObject({ divr: 0, divf: 79, divq: 5, vcoMHz: 960, achievedMHz: 30 });
    console.log(`compared ${outs.length} PLL configurations (DIVR, DIVF, DIVQ, FILTER_RANGE, achieved MHz) with icepll -i 12`);
  });

  it('refuses frequencies outside the PLL ranges with a clear message', () => {
    expect(() => pllConfig(12, 300)).toThrow("PLL outputMHz 300 is outside the iCE40 PLL's 16..275 MHz");
    expect(() => pllConfig(5, 30)).toThrow('PLL input frequency 5 MHz is outside 10..133 MHz');
  });
});

describe('Pll module', () => {
  it('emits SB_PLL40_PAD on the iCEBreaker and SB_PLL40_CORE on the HX8K, with icepll dividers', () => {
    const text = (board: BoardName): string => {
      const out = emitVerilog(elaborate(Pll({ board, inputMHz: 12, outputMHz: 30 })), { locators: false });
      expect(out.files.map((f) => f.name)).toEqual([`pll_${board}_12_30mhz.v`]);
      return out.files[0]!.text;
    };
    const params = ['    .FEEDBACK_PATH("SIMPLE"),', '    .PLLOUT_SELECT("GENCLK"),', "    .DIVR(4'b0000),", "    .DIVF(7'b1001111),", "    .DIVQ(3'b101),", "    .FILTER_RANGE(3'b001)"].join('\n');
    expect(text('icebreaker')).toContain(`  SB_PLL40_PAD #(\n${params}\n  ) u_pll (\n    .PACKAGEPIN(clk_in),`);
    expect(text('hx8k')).toContain(`  SB_PLL40_CORE #(\n${params}\n  ) u_pll (\n    .REFERENCECLK(clk_in),`);
    console.log('compared 2 PLL instances with hand-written text (icepll -i 12 -o 30: DIVR 0, DIVF 79, DIVQ 5, FILTER_RANGE 1)');
  });

  it.each(['icebreaker', 'hx8k'] as const)('simulates through the model on %s (Verilator and Icarus), lint clean', async (board) => {
    const bits = 6;
    const emitted = emitVerilog(elaborate(PllTop({ board, outputMHz: 30, bits })), { locators: false, simModels: true });
    const dir = mkdtempSync(join(tmpdir(), 'pll-'));
    try {
      const files = emitted.files.map((f) => { const p = join(dir, f.name); writeFileSync(p, f.text); return p; });
      const lint = verilatorLint(files, emitted.top);
      expect(lint.ok, lint.output).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const cycles = 90;
    const rows: Row[] = Array.from({ length: cycles }, () => ({}));
    // The model: LOCK is high after MODEL_LOCK_EDGES edges of clk; until then each edge resets the
    // counter, after it each edge counts (the PLL clock is clk in simulation). Row i is read
    // before edge i; row 0 precedes any edge (X).
    const want = rows.map((_, i) => {
      const n = Math.max(0, i - MODEL_LOCK_EDGES) % 2 ** bits;
      return i === 0 ? [undefined, undefined] : [BigInt(n), BigInt(n >> (bits - 1))];
    });
    const ver = compareRuns(`verilator ${board}`, await runOnVerilator(emitted, rows, ['count', 'led']), want);
    const ica = compareRuns(`icarus ${board}`, runOnIcarus(emitted, rows, ['count', 'led']), want);
    console.log(`${emitted.top}: compared ${ver.compared} values on Verilator and ${ica.compared} on Icarus over ${cycles} cycles`);
    expect(ver.mismatches).toEqual([]);
    expect(ica.mismatches).toEqual([]);
  }, 120_000);
});

describe('Pll through the FPGA flow', () => {
  it.each(['icebreaker', 'hx8k'] as const)('a counter at 30 MHz on %s places, routes and packs with the PLL cell', async (board) => {
    mkdirSync(join(process.cwd(), 'build'), { recursive: true });
    const root = mkdtempSync(join(process.cwd(), 'build', 'pll-test-'));
    try {
      // Only clk and led leave the top: the board has pins for those (two LEDs on both boards).
      const Top = defineModule('pll_led', (m, p: { board: BoardName }) => {
        const clk = m.input('clk', Bool);
        const led = m.output('led', UInt(2));
        const inner = m.instance('u', PllTop({ board: p.board, outputMHz: 30, bits: 24 }), { clk });
        led.set(cat(inner.io.led!, inner.io.count!.bit(0)));
      });
      const report = await runFpgaFlow({ spec: Top({ board }), board: getBoard(board), outDir: root, freqMHz: 30, icetime: false });
      expect(report.status, report.failures.join('\n')).toBe('ok');
      const netlist = readFileSync(join(root, `${report.top}.json`), 'utf8');
      const cell = board === 'icebreaker' ? 'SB_PLL40_PAD' : 'SB_PLL40_CORE';
      expect(netlist).toContain(`"type": "${cell}"`);
      console.log(`${board}: ${cell} routed, Fmax ${report.timing?.fmaxMHz} MHz for a 30 MHz target, bitstream written`);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 240_000);
});

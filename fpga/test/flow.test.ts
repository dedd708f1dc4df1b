/**
 * The flow on real tools: the board top on both boards gives a bitstream and a report whose
 * numbers agree with the netlist yosys wrote and with nextpnr's own path report; a design with
 * more flip-flops than the UP5K has fails with the resource line; an absurd target frequency
 * fails with the Fmax line and leaves no bitstream.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { Bool, UInt, cat, defineModule, type ModuleSpec } from '../../generator/dsl/index.js';
import { getBoard } from '../boards.js';
import { runFpgaFlow } from '../flow.js';
import { boardTop, wrappedTop } from '../tops.js';

const root = mkdtempSync(join(process.cwd(), 'build', 'fpga-test-'));

/** Cell counts by type, read from the netlist JSON itself (not from yosys's stat). */
function netlistCells(path: string): Record<string, number> {
  const net = JSON.parse(readFileSync(path, 'utf8')) as { modules: Record<string, { cells: Record<string, { type: string }> }> };
  const counts: Record<string, number> = {};
  for (const mod of Object.values(net.modules)) for (const c of Object.values(mod.cells)) counts[c.type] = (counts[c.type] ?? 0) + 1;
  return counts;
}

// A shift register longer than the UP5K has flip-flops (iCE40 has no shift-register primitive).
const LONG = 6000;
const LongShift = defineModule('long_shift', (m, p: { bits: number }) => {
  m.clockAndReset();
  const din = m.input('din', Bool);
  const dout = m.output('dout', Bool);
  const chain = m.reg('chain', UInt(p.bits), { init: 0 });
  chain.set(cat(chain.slice(p.bits - 2, 0), din));
  dout.set(chain.bit(p.bits - 1));
  return { din, dout };
}, { name: (p) => `long_shift_${p.bits}` });

describe('fpga flow', () => {
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  for (const name of ['icebreaker', 'hx8k'] as const) {
    it(`builds the board top for ${name}: bitstream, pins, report from the tools`, async () => {
      const board = getBoard(name);
      const out = join(root, `board-${name}`);
      const phases: string[] = [];
      const r = await runFpgaFlow({ spec: boardTop(board).spec, board, outDir: out, onProgress: (m) => phases.push(m) });
      expect(r.status, r.failures.join('\n')).toBe('ok');

      // The bitstream: iCE40 images start with the 0x7EAA997E sync word after a comment.
      const bin = readFileSync(join(out, `${r.top}.bin`));
      expect(bin.indexOf(Buffer.from([0x7e, 0xaa, 0x99, 0x7e]))).toBeGreaterThanOrEqual(0);
      expect(statSync(join(out, `${r.top}.bin`)).size).toBeGreaterThan(30_000);

      // Pins: the board's clock and UART pins, one line per LED.
      const pcf = readFileSync(join(out, `${r.top}.pcf`), 'utf8');
      expect(pcf).toContain(`set_io clk ${board.pins.clock} `);
      expect(pcf).toContain(`set_io uart_rx ${board.pins.uartRx} `);
      expect(pcf).toContain(`set_io uart_tx ${board.pins.uartTx} `);
      expect((pcf.match(/^set_io led\[/gm) ?? []).length).toBe(board.pins.leds.length);

      // Resources equal the cell counts of the netlist yosys wrote.
      const cells = netlistCells(join(out, `${r.top}.json`));
      const ff = Object.entries(cells).filter(([t]) => t.startsWith('SB_DFF')).reduce((s, [, n]) => s + n, 0);
      const row = (n: string): number => r.resources.find((x) => x.name === n)!.used;
      expect(row('LUT4')).toBe(cells.SB_LUT4);
      expect(row('flip-flops')).toBe(ff);
      expect(row('EBR')).toBe(1);   // the echo FIFO's 16 x 8 RAM
      // Packing puts a LUT and a flip-flop into one logic cell: max(LUT, FF) <= cells <= LUT + FF (+ carry feed-throughs).
      const lc = row('logic cells');
      expect(lc).toBeGreaterThanOrEqual(Math.max(row('LUT4'), ff));
      expect(lc).toBeLessThanOrEqual(row('LUT4') + ff + r.synth.carry);
      const ios = 3 + board.pins.leds.length + (board.pins.buttonN ? 1 : 0);
      expect(row('IO')).toBe(ios);

      // Timing: the critical path's delay is the reciprocal of Fmax; icetime agrees within 30%.
      const t = r.timing!;
      expect(t.fmaxMHz).toBeGreaterThan(12);
      expect(t.criticalPath!.delayNs).toBeCloseTo(1000 / t.fmaxMHz, 0);
      expect(t.criticalPath!.sources.some((s) => s.includes('/rtl/'))).toBe(true);
      if (t.icetimeMHz !== undefined) expect(Math.abs(t.icetimeMHz - t.fmaxMHz) / t.fmaxMHz).toBeLessThan(0.3);
      expect(phases).toEqual(expect.arrayContaining(['nextpnr: packing', 'nextpnr: routing', 'nextpnr: routed']));
      const json = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { status: string; resources: unknown[] };
      expect(json.status).toBe('ok');
      expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain(`| LUT4 | ${row('LUT4')} | ${board.capacity.lut4} |`);
      console.log(`compared ${name} board top: LUT4 ${row('LUT4')} FF ${ff} LC ${lc} IO ${row('IO')} against the netlist, Fmax ${t.fmaxMHz} MHz against the path (${t.criticalPath!.delayNs} ns) and icetime (${t.icetimeMHz} MHz)`);
    });
  }

  it('fails a design with more flip-flops than the UP5K, naming the resource and the excess', async () => {
    const board = getBoard('icebreaker');
    const top = wrappedTop(LongShift({ bits: LONG }) as ModuleSpec<unknown>);
    const r = await runFpgaFlow({ spec: top.spec, board, outDir: join(root, 'long'), scan: top.scan! });
    // Hand count: the chain, the wrapper's input chain (1) and signature (1), the power-on reset's counter (4) and flag (1).
    const expected = LONG + 1 + 1 + 4 + 1;
    expect(r.status).toBe('does-not-fit');
    expect(r.failures).toContain(`flip-flops: needs ${expected} of 5280 (${Math.round((100 * expected) / 5280)}%)`);
    expect(existsSync(join(root, 'long', 'nextpnr.log'))).toBe(false);   // no place and route attempted
    console.log(`compared flip-flops ${expected} (hand count) with the report: ${r.failures.join('; ')}`);
  });

  it('fails an absurd target frequency with the Fmax line, exits 1 and leaves no bitstream', () => {
    const out = join(root, 'cli');
    const run = spawnSync('node', ['bin/smartdeal.js', 'fpga', '--config', 'configs/examples.json', '--top', 'board', '--board', 'icebreaker', '--freq', '400', '--out', out, '--no-icetime'], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    const report = JSON.parse(readFileSync(join(out, 'board', 'report.json'), 'utf8')) as { status: string; failures: string[]; timing: { fmaxMHz: number }; top: string };
    const fmax = report.timing.fmaxMHz;
    const line = `Fmax ${fmax.toFixed(1)} MHz misses the 400 MHz target by ${Math.round((100 * (400 - fmax)) / 400)}%`;
    expect(report.status).toBe('misses-timing');
    expect(report.failures).toEqual([line]);
    expect(run.stderr).toContain(line);
    expect(run.stderr).not.toMatch(/\n\s+at /);   // a user-facing message, no stack
    expect(existsSync(join(out, 'board', `${report.top}.bin`))).toBe(false);
    console.log(`compared the CLI message with the report: ${line}`);
  });
});

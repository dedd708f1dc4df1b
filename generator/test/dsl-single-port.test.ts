/**
 * Single-port memories (m.memory(...).singlePort): the emitted shape (hand-checked text), the
 * errors for a second port, lint and Icarus acceptance, yosys mapping to iCE40 SPRAM, and the
 * behaviour on Verilator and Icarus against a TypeScript model under seeded random
 * read/write/enable schedules.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../common/rng.js';
import { Bool, UInt, defineModule, elaborate, type Value } from '../dsl/index.js';
import { emitVerilog, writeVerilog } from '../emit/index.js';
import { describeFailures, ice40Cells, toolcheck } from '../emit/toolcheck.js';
import { compareRuns, runOnIcarus, runOnVerilator, type Row } from '../../verif/regress/index.js';
import { elaborationErrorOf } from './helpers/elaboration-errors.js';

interface SpParams { depth: number; width: number; readEnable: boolean; style?: 'huge' | 'block' }

/** A single-port memory created inside a `when(act)`, so the enclosing condition gates both enables. */
const SpDut = defineModule('spdut', (m, p: SpParams) => {
  const clk = m.input('clk', Bool);
  m.setDefaultDomain(m.clockDomain(clk));
  const aw = Math.ceil(Math.log2(p.depth));
  const act = m.input('act', Bool);
  const we = m.input('we', Bool);
  const re = m.input('re', Bool);
  const addr = m.input('addr', UInt(aw));
  const wd = m.input('wd', UInt(p.width));
  const q = m.output('q', UInt(p.width));
  const mem = m.memory('store', { type: UInt(p.width), depth: p.depth, ...(p.style ? { style: p.style } : {}) });
  // q is the read register itself: runOnVerilator reads outputs without settling inputs first.
  let rd: Value | undefined;
  m.when(act, () => { rd = mem.singlePort(addr, { writeData: wd, writeEnable: we, ...(p.readEnable ? { readEnable: re } : {}) }); });
  q.set(rd!);
});

const OUTPUTS = ['q'];

/**
 * The reference: q shows the read register; on an edge with act,
 * a write stores and keeps the register, else (with re, if used) the register loads the word.
 * Unwritten words and the register before its first load are unknown (undefined: not compared).
 */
function model(p: SpParams, rows: readonly Row[]): (bigint | undefined)[][] {
  const mem = new Map<number, bigint>();
  let reg: bigint | undefined;
  let known = false;
  return rows.map((r) => {
    const out = known ? reg : undefined;
    if (r.act) {
      const a = Number(r.addr);
      if (r.we) mem.set(a, r.wd!);
      else if (!p.readEnable || r.re) { reg = mem.get(a); known = mem.has(a); }
    }
    return [out];
  });
}

function schedule(p: SpParams, rng: Rng, cycles: number): Row[] {
  const aw = Math.ceil(Math.log2(p.depth));
  // A small address window first, so reads mostly hit written words.
  return Array.from({ length: cycles }, (_, i) => ({
    act: rng.next() < 0.85 ? 1n : 0n,
    we: rng.next() < (i < cycles / 4 ? 0.7 : 0.35) ? 1n : 0n,
    re: rng.next() < 0.6 ? 1n : 0n,
    addr: rng.bits(Math.min(aw, 4)),
    wd: rng.bits(p.width),
  }));
}

describe('single-port memory: emitted shape and errors', () => {
  it('prints the SPRAM pattern: write, else (read enable) read, one address', () => {
    const out = emitVerilog(elaborate(SpDut({ depth: 8192, width: 8, readEnable: true, style: 'huge' })), { locators: false });
    const text = out.files.find((f) => f.name === `${out.top}.v`)!.text;
    // Hand-written expectation of the memory declaration and its one clocked block.
    expect(text).toContain('(* ram_style = "huge" *) reg [7:0] store [0:8191];');
    expect(text).toContain([
      '  always @(posedge clk) begin',
      '    if (act & we) begin',
      '      store[addr] <= wd;',
      '    end else if (act & re) begin',
      '      store_rdata <= store[addr];',
      '    end',
      '  end',
    ].join('\n'));
    const plain = emitVerilog(elaborate(SpDut({ depth: 64, width: 8, readEnable: false })), { locators: false });
    const ptext = plain.files.find((f) => f.name === `${plain.top}.v`)!.text;
    expect(ptext).toContain('  reg [7:0] store [0:63];');
    expect(ptext).toContain(['    if (act & we) begin', '      store[addr] <= wd;', '    end else if (act) begin', '      store_rdata <= store[addr];'].join('\n'));
    console.log('compared 2 emitted single-port blocks with hand-written text');
  });

  const errorsOf = elaborationErrorOf;

  it('refuses a second port, at the user line, either way round', () => {
    const e1 = errorsOf((m) => {
      m.clockAndReset();
      const a = m.input('a', UInt(4));
      const mem = m.memory('sp', { type: UInt(8), depth: 16 });
      m.output('q', UInt(8)).set(mem.singlePort(a));
      m.output('q2', UInt(8)).set(mem.read(a));
    });
    expect(e1.diagnostics.map((d) => d.kind)).toEqual(['invalid-operation']);
    expect(e1.diagnostics[0]!.message).toMatch(/memory 'sp' is single-port \(its port is at .*dsl-single-port\.test\.ts:\d+\): it cannot also have a read port/);
    expect(e1.diagnostics[0]!.location.file).toMatch(/dsl-single-port\.test\.ts$/);

    const e2 = errorsOf((m) => {
      m.clockAndReset();
      const a = m.input('a', UInt(4));
      const mem = m.memory('sp', { type: UInt(8), depth: 16 });
      mem.write(a, 0, 1);
      m.output('q', UInt(8)).set(mem.singlePort(a));
    });
    expect(e2.diagnostics[0]!.message).toMatch(/memory 'sp' already has read\/write ports \(at .*dsl-single-port\.test\.ts:\d+\): a single-port memory has exactly one port/);
    expect(e2.diagnostics[0]!.location.file).toMatch(/dsl-single-port\.test\.ts$/);

    const e3 = errorsOf((m) => {
      m.clockAndReset();
      const a = m.input('a', UInt(4));
      const mem = m.memory('sp', { type: UInt(8), depth: 16 });
      m.output('q', UInt(8)).set(mem.singlePort(a, { writeData: m.input('d', UInt(9)), writeEnable: 1 }));
    });
    expect(e3.diagnostics.map((d) => d.kind)).toEqual(['width-mismatch']);
    expect(e3.diagnostics[0]!.message).toContain('9 bits');

    const e4 = errorsOf((m) => {
      m.clockAndReset();
      const mem = m.memory('sp', { type: UInt(8), depth: 16 });
      m.output('q', UInt(8)).set(mem.singlePort(0, { writeData: 3 }));
    });
    expect(e4.diagnostics[0]!.message).toContain('give writeData and writeEnable together (got only writeData)');

    const e5 = errorsOf((m) => {
      m.clockAndReset();
      const mem = m.memory('sp', { type: UInt(8), depth: 8192, style: 'huge', init: 'w.hex' });
      m.output('q', UInt(8)).set(mem.singlePort(0));
    });
    expect(e5.diagnostics.map((d) => d.message)).toEqual(["memory 'sp': style 'huge' (SPRAM) cannot have init contents (w.hex)"]);
    console.log('compared 5 single-port error diagnostics (kind, message, user file)');
  });
});

describe('single-port memory: tools', () => {
  it('lints clean under Verilator -Wall, compiles under Icarus, passes yosys check', () => {
    for (const p of [{ depth: 8192, width: 8, readEnable: true, style: 'huge' as const }, { depth: 64, width: 8, readEnable: false }]) {
      const dir = mkdtempSync(join(tmpdir(), 'dsl-sp-'));
      try {
        const design = elaborate(SpDut(p));
        const r = toolcheck(writeVerilog(design, dir), design.top.name);
        expect(r.ok, describeFailures(r.results)).toBe(true);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    console.log('compared 2 single-port designs: verilator -Wall, yosys check, iverilog all clean');
  });

  it('8192x8 with style huge maps to one SB_SPRAM256KA under synth_ice40 -spram; without it, block RAM', () => {
    const cells = (p: SpParams): Record<string, number> => {
      const dir = mkdtempSync(join(tmpdir(), 'dsl-sp-'));
      try {
        const design = elaborate(SpDut(p));
        const r = ice40Cells(writeVerilog(design, dir), design.top.name, {}, 300_000, { spram: true });
        expect(r.ok, r.output.slice(-2000)).toBe(true);
        return r.cells;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    };
    const huge = cells({ depth: 8192, width: 8, readEnable: true, style: 'huge' });
    expect(huge.SB_SPRAM256KA).toBe(1);
    expect(huge.SB_RAM40_4K ?? 0).toBe(0);
    const plain = cells({ depth: 8192, width: 8, readEnable: true });
    expect(plain.SB_SPRAM256KA ?? 0).toBe(0);
    // 8192 x 8 bits = 64 kbit = 16 block RAMs of 4 kbit.
    expect(plain.SB_RAM40_4K).toBe(16);
    console.log(`compared iCE40 cells: huge ${huge.SB_SPRAM256KA} SPRAM / ${huge.SB_RAM40_4K ?? 0} EBR; plain ${plain.SB_SPRAM256KA ?? 0} SPRAM / ${plain.SB_RAM40_4K} EBR`);
  });
});

describe('single-port memory: behaviour against a TypeScript model', () => {
  const cases: [SpParams, number][] = [
    [{ depth: 64, width: 8, readEnable: true }, 4101],
    [{ depth: 32, width: 12, readEnable: false }, 4102],
  ];
  it.each(cases)('%o on Verilator and Icarus (seed %i)', async (p, seed) => {
    const rows = schedule(p, new Rng(seed), 1500);
    const want = model(p, rows);
    const emitted = emitVerilog(elaborate(SpDut(p)), { locators: false });
    const ver = compareRuns(`verilator ${emitted.top}`, await runOnVerilator(emitted, rows, OUTPUTS), want);
    const ica = compareRuns(`icarus ${emitted.top}`, runOnIcarus(emitted, rows, OUTPUTS), want);
    console.log(`${emitted.top}: compared ${ver.compared} values on Verilator and ${ica.compared} on Icarus over ${rows.length} cycles (seed ${seed})`);
    expect(ver.compared).toBeGreaterThan(rows.length / 2);
    expect(ver.mismatches, `seed ${seed}`).toEqual([]);
    expect(ica.mismatches, `seed ${seed}`).toEqual([]);
  }, 120_000);
});

/**
 * Black boxes (vendor cells): iCE40 SB_RAM40_4K declared once with its ports and parameters,
 * instantiated with width-checked connections. Tests: the emitted instance (hand-written text),
 * the checks (wrong width, missing input, unknown and mistyped parameters), lint with the
 * behavioural model, yosys synth_ice40 keeping the cell, and the model simulated on Verilator
 * and Icarus against a TypeScript model.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../common/rng.js';
import { Bool, UInt, defineBlackBox, defineModule, elaborate, vbits } from '../dsl/index.js';
import { emitVerilog, writeVerilog } from '../emit/index.js';
import { describeFailures, ice40Cells, verilatorLint, iverilogCompile } from '../emit/toolcheck.js';
import { compareRuns, runOnIcarus, runOnVerilator, type Row } from '../../verif/regress/index.js';
import { elaborationErrorOf } from './helpers/elaboration-errors.js';

/** A behavioural model of SB_RAM40_4K in its 256x16 mode (READ_MODE = WRITE_MODE = 0), written for this test. */
const RAM_MODEL = `\`default_nettype none
/* verilator lint_off UNUSEDPARAM */
/* verilator lint_off UNUSEDSIGNAL */
module SB_RAM40_4K #(
  parameter integer READ_MODE = 0,
  parameter integer WRITE_MODE = 0,
  parameter [255:0] INIT_0 = 256'h0
) (
  output reg  [15:0] RDATA,
  input  wire [10:0] RADDR,
  input  wire [10:0] WADDR,
  input  wire [15:0] MASK,
  input  wire [15:0] WDATA,
  input  wire RCLKE, RCLK, RE, WCLKE, WCLK, WE
);
  reg [15:0] words [0:255];
  // A MASK bit set keeps that data bit.
  always @(posedge WCLK) if (WE && WCLKE) words[WADDR[7:0]] <= (words[WADDR[7:0]] & MASK) | (WDATA & ~MASK);
  always @(posedge RCLK) if (RE && RCLKE) RDATA <= words[RADDR[7:0]];
endmodule
/* verilator lint_on UNUSEDSIGNAL */
/* verilator lint_on UNUSEDPARAM */
\`default_nettype wire
`;

const SB_RAM40_4K = defineBlackBox('SB_RAM40_4K', {
  ports: {
    RDATA: { dir: 'output', width: 16 },
    RADDR: { dir: 'input', width: 11 },
    WADDR: { dir: 'input', width: 11 },
    MASK: { dir: 'input', width: 16, tie: 0 },
    WDATA: { dir: 'input', width: 16 },
    RCLKE: { dir: 'input', tie: 1 },
    RCLK: 'input',
    RE: 'input',
    WCLKE: { dir: 'input', tie: 1 },
    WCLK: 'input',
    WE: 'input',
  },
  params: { READ_MODE: 0, WRITE_MODE: 0, INIT_0: vbits(256, 0) },
  model: { verilog: RAM_MODEL },
});

/** A 256x16 RAM on one clock through the vendor cell. */
const RamTop = defineModule('bbram', (m) => {
  const clk = m.input('clk', Bool);
  const we = m.input('we', Bool);
  const re = m.input('re', Bool);
  const waddr = m.input('waddr', UInt(8));
  const raddr = m.input('raddr', UInt(8));
  const wdata = m.input('wdata', UInt(16));
  const rdata = m.output('rdata', UInt(16));
  const ram = m.instance('u_ram', SB_RAM40_4K({ INIT_0: vbits(256, 5n) }), {
    RADDR: raddr, WADDR: waddr, WDATA: wdata, RCLK: clk, RE: re, WCLK: clk, WE: we, RDATA: rdata,
  });
  void ram.io.RDATA;   // typed io: one Signal per declared port
});

const errorsOf = elaborationErrorOf;

describe('black box cells', () => {
  it('emits a parameterised instance, no module file, and the model only when asked', () => {
    const out = emitVerilog(elaborate(RamTop()), { locators: false });
    expect(out.files.map((f) => f.name)).toEqual(['bbram.v']);
    const text = out.files[0]!.text;
    // Hand-written: declared parameter order, INIT_0 overridden, tied inputs as constants.
    expect(text).toContain([
      '  SB_RAM40_4K #(',
      '    .READ_MODE(0),',
      '    .WRITE_MODE(0),',
      `    .INIT_0(256'b${'0'.repeat(253)}101)`,
      '  ) u_ram (',
      '    .RDATA(u_ram_RDATA),',
      "    .RADDR({3'd0, raddr}),",
      "    .WADDR({3'd0, waddr}),",
      "    .MASK(16'd0),",
      '    .WDATA(wdata),',
      "    .RCLKE(1'b1),",
      '    .RCLK(clk),',
      '    .RE(re),',
      "    .WCLKE(1'b1),",
      '    .WCLK(clk),',
      '    .WE(we)',
      '  );',
    ].join('\n'));
    expect(out.simModels.map((f) => f.name)).toEqual(['SB_RAM40_4K.sim-model.v']);
    expect(out.simModels[0]!.text).toContain('SIMULATION model of the vendor cell SB_RAM40_4K');
    const sim = emitVerilog(elaborate(RamTop()), { locators: false, simModels: true });
    expect(sim.files.map((f) => f.name)).toEqual(['SB_RAM40_4K.sim-model.v', 'bbram.v']);
    const dir = mkdtempSync(join(tmpdir(), 'dsl-bb-'));
    try {
      const paths = writeVerilog(elaborate(RamTop()), dir);
      expect(paths.map((p) => p.slice(dir.length + 1))).toEqual(['bbram.v']);
      expect(existsSync(join(dir, 'SB_RAM40_4K.sim-model.v'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    console.log('compared 1 black box instance with hand-written text and 3 file lists');
  });

  it('reads a model from a file, and refuses a model that does not define the cell', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dsl-bb-'));
    try {
      const file = join(dir, 'sb_ram.v');
      writeFileSync(file, RAM_MODEL);
      const FromFile = defineBlackBox('SB_RAM40_4K', { ports: { RDATA: { dir: 'output', width: 16 }, RE: 'input' }, model: { file } });
      const Wrong = defineBlackBox('SB_RAM40_4K', { ports: { RDATA: { dir: 'output', width: 16 }, RE: 'input' }, model: { verilog: 'module other; endmodule' } });
      const Missing = defineBlackBox('SB_RAM40_4K', { ports: { RDATA: { dir: 'output', width: 16 }, RE: 'input' }, model: { file: join(dir, 'none.v') } });
      const top = (cell: typeof FromFile) => elaborate(defineModule('bbtop', (m) => { m.instance('u', cell(), { RE: 1 }); })());
      expect(emitVerilog(top(FromFile)).simModels[0]!.text).toContain(RAM_MODEL);
      expect(() => emitVerilog(top(Wrong))).toThrow("simulation model of SB_RAM40_4K: expected a definition 'module SB_RAM40_4K', found none");
      expect(() => emitVerilog(top(Missing))).toThrow(`simulation model of SB_RAM40_4K: cannot read ${join(dir, 'none.v')}`);
      console.log('compared 3 simulation model sources (file, wrong module, missing file)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('checks connections and parameters like any instance', () => {
    const e = errorsOf((m) => {
      const clk = m.input('clk', Bool);
      const wide = m.input('wide', UInt(12));
      m.instance('u_ram', SB_RAM40_4K({ READ_MODE: 'fast', NOPE: 1 } as never), { RADDR: wide, WADDR: 0, WDATA: 0, RCLK: clk, RE: 1, WCLK: clk });
    });
    const byKind = (k: string) => e.diagnostics.filter((d) => d.kind === k).map((d) => d.message);
    expect(byKind('width-mismatch')).toEqual([expect.stringMatching(/cannot assign 'wide' \(unsigned 12 bits\) to 'u_ram_RADDR' \(unsigned 11 bits\)/)]);
    // RADDR is reported too: its connection was refused, as for any instance.
    expect(byKind('missing-connection')).toContain("instance u_ram (SB_RAM40_4K): input port 'WE' is not connected");
    expect(byKind('unknown-port')).toEqual(['instance u_ram of SB_RAM40_4K has no parameter NOPE; its parameters are: READ_MODE, WRITE_MODE, INIT_0']);
    expect(byKind('invalid-operation')).toEqual(['instance u_ram of SB_RAM40_4K: parameter READ_MODE must be an integer (like its default 0), got a string "fast"']);
    for (const d of e.diagnostics) expect(d.location.file, d.message).toMatch(/dsl-blackbox\.test\.ts$/);
    const e2 = errorsOf((m) => {
      const ram = m.instance('u_ram', SB_RAM40_4K({ INIT_0: vbits(8, 1) }), { RADDR: 0, WADDR: 0, WDATA: 0, RCLK: 0, RE: 0, WCLK: 0, WE: 0 });
      ram.io.RDATA.set(1);
    });
    expect(e2.diagnostics.map((d) => d.message)).toEqual([
      "instance u_ram of SB_RAM40_4K: parameter INIT_0 must be a 256-bit pattern (like its default 256'b" + '0'.repeat(256) + "), got a 8-bit pattern 8'b00000001",
      "cannot drive output port 'RDATA' of instance u_ram (SB_RAM40_4K): the instance drives it",
    ]);
    expect(() => vbits(4, 16)).toThrow('vbits(4, 16): the value must be a non-negative integer that fits 4 bits');
    console.log(`compared ${e.diagnostics.length + e2.diagnostics.length + 1} black box diagnostics`);
  });

  it('lints clean with the model, and yosys synth_ice40 keeps the vendor cell', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dsl-bb-'));
    try {
      const design = elaborate(RamTop());
      const withModel = writeVerilog(design, dir, { simModels: true });
      const lint = verilatorLint(withModel, 'bbram');
      expect(lint.ok, lint.output).toBe(true);
      const ivl = iverilogCompile(withModel, 'bbram');
      expect(ivl.ok, describeFailures([ivl])).toBe(true);
      const synth = ice40Cells(writeVerilog(design, dir), 'bbram');
      expect(synth.ok, synth.output.slice(-2000)).toBe(true);
      expect(synth.cells.SB_RAM40_4K).toBe(1);
      expect(readFileSync(join(dir, 'bbram.v'), 'utf8')).not.toContain('module SB_RAM40_4K');
      console.log(`compared cells after synth_ice40: SB_RAM40_4K ${synth.cells.SB_RAM40_4K}; verilator -Wall and iverilog clean with the model`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('simulates through its model on Verilator and Icarus against a TypeScript model', async () => {
    const seed = 5150;
    const rng = new Rng(seed);
    const rows: Row[] = Array.from({ length: 800 }, () => ({
      we: rng.next() < 0.5 ? 1n : 0n, re: rng.next() < 0.7 ? 1n : 0n, waddr: rng.bits(5), raddr: rng.bits(5), wdata: rng.bits(16),
    }));
    // Write and read ports are independent; a read of the word being written sees the old word.
    const mem = new Map<bigint, bigint>();
    let q: bigint | undefined;
    const want = rows.map((r) => {
      const out = [q];
      const next = r.re ? mem.get(r.raddr) : q;
      if (r.we) mem.set(r.waddr, r.wdata);
      q = next;
      return out;
    });
    const emitted = emitVerilog(elaborate(RamTop()), { locators: false, simModels: true });
    const ver = compareRuns('verilator bbram', await runOnVerilator(emitted, rows, ['rdata']), want);
    const ica = compareRuns('icarus bbram', runOnIcarus(emitted, rows, ['rdata']), want);
    console.log(`bbram: compared ${ver.compared} values on Verilator and ${ica.compared} on Icarus over ${rows.length} cycles (seed ${seed})`);
    expect(ver.compared).toBeGreaterThan(400);
    expect(ver.mismatches, `seed ${seed}`).toEqual([]);
    expect(ica.mismatches, `seed ${seed}`).toEqual([]);
  }, 120_000);
});

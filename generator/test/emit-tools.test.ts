/**
 * Golden-free emission checks: small designs covering every DSL feature go through Verilator
 * (-Wall, zero warnings), yosys (synth + check -assert, no latch cells) and Icarus (-g2005).
 * Memories are also synthesised for iCE40 to confirm they map to SB_RAM40_4K block RAM.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Bool, Ram, SInt, UInt, cat, defineModule, elaborate, mux, stream, type ModuleSpec,
} from '../dsl/index.js';
import { writeVerilog } from '../emit/index.js';
import { describeFailures, ice40Cells, toolcheck, verilatorLint, yosysCheck } from '../emit/toolcheck.js';

const dir = mkdtempSync(join(tmpdir(), 'dsl-tools-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const Control = defineModule('control', (m) => {
  m.clockAndReset();
  const mode = m.input('mode', UInt(2));
  const x = m.input('x', UInt(8));
  const y = m.output('y', UInt(8));
  const flag = m.output('flag', Bool);
  const code = m.output('code', UInt(3));
  const acc = m.reg('acc', UInt(8), { init: 0 });
  const power = m.reg('power', UInt(4), { init: 9 });
  const pipe = m.reg('pipe', UInt(8));
  const gated = m.reg('gated', UInt(8), { init: 3, enable: mode.bit(1) });
  pipe.set(x);
  gated.set(x.xor(acc));
  m.when(mode.eq(0), () => acc.set(0))
    .elseWhen(mode.eq(1), () => acc.set(acc.add(x).trunc(8)))
    .otherwise(() => acc.set(acc.sub(x).trunc(8)));
  power.set(power.add(1).trunc(4));
  const t = m.wire('t', UInt(8), { default: 0 });
  m.when(x.bit(0), () => t.set(pipe));
  y.set(t.or(gated).xor(power.zext(8)));
  flag.set(0);
  m.switch(mode, (s) => {
    s.is(0, () => code.set(1));
    s.is(1, () => code.set(2));
    s.is(2, () => { code.set(4); flag.set(1); });
    s.is(3, () => code.set(7));
  });
});

const Pipe = defineModule('pipe', (m, p: { width: number }) => {
  m.clockAndReset();
  const input = m.input('in', stream(UInt(p.width)));
  const out = m.output('out', stream(UInt(p.width)));
  const full = m.reg('full', Bool, { init: 0 });
  const data = m.reg('data', UInt(p.width));
  input.ready.set(full.not().or(out.ready));
  out.valid.set(full);
  out.data.set(data);
  m.when(input.valid.and(input.ready), () => { full.set(1); data.set(input.data); })
    .elseWhen(out.ready, () => full.set(0));
  return { input, out };
});

const Chain = defineModule('chain', (m, p: { width: number; stages: number }) => {
  const { clk, rst } = m.clockAndReset();
  const input = m.input('in', stream(UInt(p.width)));
  const out = m.output('out', stream(UInt(p.width)));
  let prev = input;
  for (let i = 0; i < p.stages; i++) {
    const u = m.instance(`stage${i}`, Pipe({ width: p.width }), { clk, rst });
    m.connect(u.io.input, prev);
    prev = u.io.out;
  }
  m.connect(out, prev);
  return { in: input, out };
});

const Sequencer = defineModule('sequencer', (m) => {
  m.clockAndReset();
  const start = m.input('start', Bool);
  const busy = m.output('busy', Bool);
  const count = m.output('count', UInt(4));
  const n = m.reg('n', UInt(4), { init: 0 });
  const fsm = m.fsm('seq', ['idle', 'load', 'run', 'done'] as const);
  busy.set(fsm.is('idle').not());
  count.set(n);
  fsm.state('idle', () => m.when(start, () => fsm.goto('load')));
  fsm.state('load', () => { n.set(0); fsm.goto('run'); });
  fsm.state('run', () => {
    n.set(n.add(1).trunc(4));
    m.when(n.eq(15), () => fsm.goto('done'));
  });
  fsm.state('done', () => fsm.goto('idle'));
});

const Store = defineModule('store', (m, p: { width: number; depth: number; init?: string }) => {
  m.clockAndReset();
  const aw = Math.ceil(Math.log2(p.depth));
  const we = m.input('we', Bool);
  const waddr = m.input('waddr', UInt(aw));
  const wdata = m.input('wdata', UInt(p.width));
  const raddr = m.input('raddr', UInt(aw));
  const rdata = m.output('rdata', UInt(p.width));
  const mem = m.memory('words', p.init ? { type: UInt(p.width), depth: p.depth, init: p.init } : { type: UInt(p.width), depth: p.depth });
  mem.write(waddr, wdata, we);
  rdata.set(mem.read(raddr));
});

const Wide = defineModule('wide', (m) => {
  m.clockAndReset();
  const a = m.input('a', UInt(70));
  const s = m.input('s', SInt(40));
  const k = m.input('k', UInt(6));
  const o = m.output('o', UInt(72));
  const q = m.output('q', SInt(8));
  const cmp = m.output('cmp', UInt(4));
  const big = a.add(0x3fffffffffffffffffn).trunc(70);
  const r = m.reg('r', UInt(72), { init: 0x123456789abcdef012n });
  r.set(mux(k.bit(5), cat(big.slice(69, 68), big), a.shl(k, 72)));
  o.set(r.xor(a.sra(k).zext(72)));
  q.set(s.trunc(10).mul(s.slice(39, 30).asSigned()).add(s.shr(k)).sat(8));
  cmp.set(cat(s.lt(-1), a.ge(s), s.asUnsigned().gt(a.trunc(40)), a.andR().xor(s.orR())));
});

/** A delay line whose data width is a Verilog parameter passed down to the RAM primitive. */
const Delay = defineModule('delay', (m, p: { width: number; depth: number }) => {
  const { clk } = m.clockAndReset();
  const WIDTH = m.param('WIDTH', p.width);
  const din = m.input('din', UInt(WIDTH));
  const dout = m.output('dout', UInt(WIDTH));
  const aw = Math.log2(p.depth);
  const ptr = m.reg('ptr', UInt(aw), { init: 0 });
  ptr.set(ptr.add(1).trunc(aw));
  const ram = m.instance('ram', Ram({ width: p.width, addrWidth: aw }), { clk, we: 1, waddr: ptr, wdata: din, re: 1, raddr: ptr.add(1).trunc(aw) }, { params: { WIDTH } });
  dout.set(ram.io.rdata);
});

const Top = defineModule('feature_top', (m) => {
  const { clk, rst } = m.clockAndReset();
  const input = m.input('in', stream(UInt(8)));
  const out = m.output('out', stream(UInt(8)));
  m.instance('chain', Chain({ width: 8, stages: 3 }), { clk, rst, in_valid: input.valid, in_data: input.data, out_ready: out.ready });
  const chainOut = m.wire('mid', stream(UInt(8)));
  const c = m.instance('chain2', Chain({ width: 8, stages: 3 }), { clk, rst });
  m.connect(c.io.in, input);
  m.connect(chainOut, c.io.out);
  m.connect(out, chainOut);
  const ctl = m.instance('ctl', Control(), { clk, rst, mode: input.data.trunc(2), x: input.data });
  const seq = m.instance('seq', Sequencer(), { clk, rst, start: input.valid });
  const ram = m.instance('ram', Ram({ width: 8, addrWidth: 5 }), { clk, we: input.valid, waddr: input.data.trunc(5), wdata: ctl.port('y'), re: 1, raddr: seq.port('count').zext(5) });
  const stats = m.output('stats', UInt(13));
  stats.set(cat(ram.io.rdata, ctl.port('code'), ctl.port('flag'), seq.port('busy')));
});

function check(spec: ModuleSpec<any>, label: string): { files: string[]; top: string } {
  const design = elaborate(spec);
  const files = writeVerilog(design, join(dir, label));
  const r = toolcheck(files, design.top.name);
  console.log(`${label}: ${files.length} files, verilator/yosys/iverilog ${r.results.map((x) => (x.ok ? 'ok' : 'FAIL')).join('/')}`);
  expect(r.ok, describeFailures(r.results)).toBe(true);
  return { files, top: design.top.name };
}

describe('emitted Verilog passes Verilator -Wall, yosys check and Icarus', () => {
  it('registers, enables, power-up values, when/elseWhen/otherwise, switch, wire defaults', () => { check(Control(), 'control'); });
  it('FSM with localparam states', () => { check(Sequencer(), 'sequencer'); });
  it('wide values (> 64 bits), dynamic shifts, saturation, mixed comparisons', () => { check(Wide(), 'wide'); });
  it('instances, stream bundles, bulk connect, parameterised RAM, deduplicated modules', () => {
    const { files } = check(Top(), 'top');
    const names = files.map((f) => f.split('/').pop());
    expect(names).toEqual(['pipe_w8.v', 'chain_w8_s3.v', 'control.v', 'sequencer.v', 'ram_w8_a5.v', 'feature_top.v']);
  });
  it('a 256x16 memory (with $readmemh init) maps to iCE40 block RAM', () => {
    const hex = join(dir, 'init.hex');
    writeFileSync(hex, Array.from({ length: 256 }, (_, i) => (i * 257 % 65536).toString(16)).join('\n') + '\n');
    const { files, top } = check(Store({ width: 16, depth: 256, init: hex }), 'store');
    const r = ice40Cells(files, top);
    expect(r.ok, r.output.slice(-2000)).toBe(true);
    console.log(`store 256x16: ${r.cells.SB_RAM40_4K ?? 0} SB_RAM40_4K cells`);
    expect(r.cells.SB_RAM40_4K).toBe(1);
  });
  it('a parent parameter drives the RAM primitive (override reaches block RAM)', () => {
    const { files, top } = check(Delay({ width: 8, depth: 256 }), 'delay');
    // 256 x 32 bits needs two 4-kbit block RAMs, 256 x 8 one: the override must reach the RAM.
    const r = ice40Cells(files, top, { WIDTH: 32 });
    expect(r.ok, r.output.slice(-2000)).toBe(true);
    console.log(`${top} with WIDTH overridden to 32: ${r.cells.SB_RAM40_4K ?? 0} SB_RAM40_4K cells`);
    expect(r.cells.SB_RAM40_4K).toBe(2);
  });
  it('the RAM primitive keeps WIDTH/ADDR_WIDTH overridable and still maps to block RAM', () => {
    const { files } = check(Ram({ width: 8, addrWidth: 4 }), 'ram');
    const r = ice40Cells(files, 'ram_w8_a4', { WIDTH: 16, ADDR_WIDTH: 8 });
    expect(r.ok, r.output.slice(-2000)).toBe(true);
    console.log(`ram_w8_a4 overridden to 256x16: ${r.cells.SB_RAM40_4K ?? 0} SB_RAM40_4K cells`);
    expect(r.cells.SB_RAM40_4K).toBe(1);
  });
  it('the tool helper itself catches a latch and a WIDTH warning in hand-written Verilog', () => {
    const bad = join(dir, 'bad.v');
    writeFileSync(bad, [
      '`default_nettype none',
      'module bad (input wire en, input wire [7:0] d, output reg [7:0] q, output wire [3:0] n);',
      '  always @* if (en) q = d;',
      '  assign n = d;',
      'endmodule',
      '`default_nettype wire',
      '',
    ].join('\n'));
    const y = yosysCheck([bad], 'bad');
    const v = verilatorLint([bad], 'bad');
    console.log(`hand-written latch: yosys latch cells ${y.latchCells}, verilator ok=${v.ok}`);
    expect(y.ok).toBe(false);
    expect(y.latchCells).toBeGreaterThan(0);
    expect(v.ok).toBe(false);
    expect(v.output).toMatch(/WIDTH/);
  });
});

/**
 * Sequential semantics end to end: registers with reset and enable, when/elseWhen priority,
 * saturation, an FSM, a memory with $readmemh init and synchronous read, and a switch-driven
 * output, simulated under Icarus cycle by cycle against a model written here in TypeScript.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../common/rng.js';
import { Bool, SInt, UInt, defineModule, elaborate } from '../dsl/index.js';
import { writeVerilog } from '../emit/index.js';
import { iverilogRun, verilatorLint } from '../emit/toolcheck.js';
import { renderTemplate } from '../emit/templates.js';

const SEED = 7031;
const CYCLES = 400;
const INIT = Array.from({ length: 16 }, (_, i) => (i * 37 + 11) % 256);

const Dut = defineModule('seqdut', (m, p: { init: string }) => {
  m.clockAndReset();
  const en = m.input('en', Bool);
  const clr = m.input('clr', Bool);
  const x = m.input('x', UInt(8));
  const we = m.input('we', Bool);
  const addr = m.input('addr', UInt(4));
  const sel = m.input('sel', UInt(2));
  const cnt = m.reg('cnt', UInt(8), { init: 0 });
  const acc = m.reg('acc', SInt(10), { init: -3, enable: en });
  m.when(clr, () => cnt.set(0)).elseWhen(en, () => cnt.set(cnt.add(1).trunc(8)));
  acc.set(acc.add(x.asSigned()).sat(10));
  const mem = m.memory('mem', { type: UInt(8), depth: 16, init: p.init });
  mem.write(addr, x, we);
  const rd = mem.read(addr);
  const f = m.fsm('ctl', ['idle', 'run', 'done'] as const);
  f.state('idle', () => m.when(en, () => f.goto('run')));
  f.state('run', () => m.when(cnt.slice(1, 0).eq(3), () => f.goto('done')));
  f.state('done', () => f.goto('idle'));
  const y = m.output('y', UInt(8));
  m.switch(sel, (s) => {
    s.is(0, () => y.set(cnt));
    s.is(1, () => y.set(rd));
    s.is(2, () => y.set(acc.trunc(8).asUnsigned()));
    s.default(() => y.set(f.reg.zext(8)));
  });
  m.output('cnt_o', UInt(8)).set(cnt);
  m.output('acc_o', SInt(10)).set(acc);
  m.output('rd_o', UInt(8)).set(rd);
  m.output('state_o', UInt(2)).set(f.reg);
  // A switch on a signed value: negative case labels print as -10'sd3.
  const band = m.output('band_o', UInt(2));
  m.switch(acc, (s) => {
    s.is(-3, () => band.set(1));
    s.is([-512, 511], () => band.set(2));
    s.default(() => band.set(0));
  });
});

interface In { rst: bigint; en: bigint; clr: bigint; x: bigint; we: bigint; addr: bigint; sel: bigint }
const FIELDS: [keyof In, number][] = [['rst', 1], ['en', 1], ['clr', 1], ['x', 8], ['we', 1], ['addr', 4], ['sel', 2]];
const OUTS: [string, number][] = [['y', 8], ['cnt_o', 8], ['acc_o', 10], ['rd_o', 8], ['state_o', 2], ['band_o', 2]];

/** The reference model: outputs before the edge, then the state update at the edge. */
function model(vectors: In[]): (bigint | undefined)[][] {
  let cnt = 0n, acc = -3n, state = 0n;
  let rd: bigint | undefined;
  const mem = INIT.map(BigInt);
  const rows: (bigint | undefined)[][] = [];
  for (const v of vectors) {
    const y = v.sel === 0n ? cnt : v.sel === 1n ? rd : v.sel === 2n ? BigInt.asUintN(8, acc) : state;
    const band = acc === -3n ? 1n : acc === -512n || acc === 511n ? 2n : 0n;
    rows.push([y, cnt, BigInt.asUintN(10, acc), rd, state, band]);
    const nextRd = mem[Number(v.addr)]!;
    if (v.we) mem[Number(v.addr)] = v.x;
    rd = nextRd;
    if (v.rst) { cnt = 0n; acc = -3n; state = 0n; continue; }
    const nextCnt = v.clr ? 0n : v.en ? (cnt + 1n) % 256n : cnt;
    if (v.en) acc = [acc + BigInt.asIntN(8, v.x)].map((s) => (s > 511n ? 511n : s < -512n ? -512n : s))[0]!;
    if (state === 0n && v.en) state = 1n;
    else if (state === 1n && (cnt & 3n) === 3n) state = 2n;
    else if (state === 2n) state = 0n;
    cnt = nextCnt;
  }
  return rows;
}

describe('sequential semantics under Icarus', () => {
  it(`matches the TypeScript model over ${CYCLES} cycles`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'dsl-seq-'));
    try {
      const init = join(dir, 'init.hex');
      writeFileSync(init, INIT.map((v) => v.toString(16)).join('\n') + '\n');
      const design = elaborate(Dut({ init }));
      const files = writeVerilog(design, dir, { locators: false });
      const text = readFileSync(files.find((f) => f.endsWith(`${design.top.name}.v`))!, 'utf8');
      for (const line of ["acc <= -10'sd3;", "-10'sd3: begin", "-10'sd512, 10'd511: begin"]) expect(text).toContain(line);
      const lint = verilatorLint(files, design.top.name);
      expect(lint.ok, lint.output).toBe(true);
      const rng = new Rng(SEED);
      const vectors: In[] = [];
      for (let i = 0; i < CYCLES; i++) {
        vectors.push({
          rst: i < 2 || rng.next() < 0.01 ? 1n : 0n, en: rng.next() < 0.6 ? 1n : 0n, clr: rng.next() < 0.05 ? 1n : 0n,
          x: rng.bits(8), we: rng.next() < 0.3 ? 1n : 0n, addr: rng.bits(4), sel: rng.bits(2),
        });
      }
      const inWidth = FIELDS.reduce((s, [, w]) => s + w, 0);
      let lo = inWidth;
      const inputs = FIELDS.map(([name, width]) => { lo -= width; return { name, width, hi: lo + width - 1, lo }; });
      const hex = vectors.map((v) => inputs.reduce((acc, f) => acc | (v[f.name] << BigInt(f.lo)), 0n).toString(16)).join('\n');
      writeFileSync(join(dir, 'vectors.hex'), hex + '\n');
      writeFileSync(join(dir, 'tb.v'), renderTemplate('testbench-clocked.v.hbs', {
        name: 'tb', dut: design.top.name, clock: 'clk', vectorFile: 'vectors.hex', inWidth, count: CYCLES, inputs,
        outputs: OUTS.map(([name, width]) => ({ name, width })), ports: design.ports().map((p) => p.name),
        displayFormat: OUTS.map(() => '%h').join(' '),
      }));
      const sim = iverilogRun([...files, join(dir, 'tb.v')], 'tb', dir);
      expect(sim.ok, sim.output).toBe(true);
      const want = model(vectors);
      const got = sim.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/));
      expect(got.length).toBe(CYCLES);
      let compared = 0;
      const bad: string[] = [];
      got.forEach((row, i) => row.forEach((text, j) => {
        const w = want[i]![j];
        // Before the first edge registers hold X (reset is synchronous); read data before the first read too.
        if (i === 0 || w === undefined) return;
        compared++;
        if (!/^[0-9a-f]+$/.test(text) || BigInt(`0x${text}`) !== w) bad.push(`seed ${SEED} cycle ${i} ${OUTS[j]![0]}: got ${text} want ${w.toString(16)}`);
      }));
      console.log(`compared ${compared} output values over ${CYCLES} cycles (seed ${SEED}) between Icarus and the TypeScript model`);
      expect(bad.slice(0, 10)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

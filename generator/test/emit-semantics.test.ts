/**
 * Operator semantics, end to end: a combinational module exercising every operator is emitted,
 * simulated under Icarus on seeded random vectors (plus edge values), and every output is compared
 * with a value computed here directly with bigint arithmetic (independent of the DSL's evaluator).
 * yosys's own netlist of the same Verilog is simulated too, so all three tools must read it alike.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../common/rng.js';
import { SInt, UInt, addTree, cat, defineModule, elaborate, lit, mux, select, type Signal, type Value } from '../dsl/index.js';
import { writeVerilog } from '../emit/index.js';
import { iverilogRun, verilatorLint, yosysNetlist } from '../emit/toolcheck.js';
import { renderTemplate } from '../emit/templates.js';

const SEED = 20261124;
const VECTORS = 300;

const INPUTS = { a: [13, false], b: [13, false], c: [13, true], d: [13, true], e: [40, false], f: [40, true], sh: [3, false], sh2: [6, false] } as const;
type In = Record<keyof typeof INPUTS, Signal>;
type Vals = Record<keyof typeof INPUTS, bigint>;

const mod = (v: bigint, w: number): bigint => ((v % (1n << BigInt(w))) + (1n << BigInt(w))) % (1n << BigInt(w));
const sv = (bits: bigint, w: number): bigint => (bits >= 1n << BigInt(w - 1) ? bits - (1n << BigInt(w)) : bits);
const b = (x: boolean): bigint => (x ? 1n : 0n);
const clamp = (v: bigint, lo: bigint, hi: bigint): bigint => (v < lo ? lo : v > hi ? hi : v);
const popParity = (v: bigint): bigint => { let p = 0n; for (; v; v >>= 1n) p ^= v & 1n; return p; };

/** name, expected [width, signed], the DSL expression, and the reference value (mathematical). */
const CASES: [string, number, boolean, (i: In) => Value, (v: Vals) => bigint][] = [
  ['add_ab', 14, false, (i) => i.a.add(i.b), (v) => v.a + v.b],
  ['sub_ab', 14, false, (i) => i.a.sub(i.b), (v) => v.a - v.b],
  ['sub_cd', 14, true, (i) => i.c.sub(i.d), (v) => v.c - v.d],
  ['add_ac', 15, true, (i) => i.a.add(i.c), (v) => v.a + v.c],
  ['add_ef', 42, true, (i) => i.e.add(i.f), (v) => v.e + v.f],
  ['add_k', 14, false, (i) => i.a.add(1000), (v) => v.a + 1000n],
  ['sub_kc', 14, true, (i) => i.c.sub(-7), (v) => v.c + 7n],
  ['mul_cd', 26, true, (i) => i.c.mul(i.d), (v) => v.c * v.d],
  ['mul_ab', 26, false, (i) => i.a.mul(i.b), (v) => v.a * v.b],
  ['mul_ac', 27, true, (i) => i.a.mul(i.c), (v) => v.a * v.c],
  ['mul_ef', 81, true, (i) => i.e.mul(i.f), (v) => v.e * v.f],
  ['neg_c', 14, true, (i) => i.c.neg(), (v) => -v.c],
  ['neg_a', 14, true, (i) => i.a.neg(), (v) => -v.a],
  ['and_ab', 13, false, (i) => i.a.and(i.b), (v) => v.a & v.b],
  ['or_cd', 13, true, (i) => i.c.or(i.d), (v) => v.c | v.d],
  ['xor_ac', 14, true, (i) => i.a.xor(i.c), (v) => v.a ^ v.c],
  ['not_a', 13, false, (i) => i.a.not(), (v) => ~v.a],
  ['not_f', 40, true, (i) => i.f.not(), (v) => ~v.f],
  ['shl_a3', 16, false, (i) => i.a.shl(3), (v) => v.a << 3n],
  ['shl_c2', 15, true, (i) => i.c.shl(2), (v) => v.c << 2n],
  ['shr_a3', 13, false, (i) => i.a.shr(3), (v) => v.a >> 3n],
  ['shr_c3', 13, true, (i) => i.c.shr(3), (v) => v.c >> 3n],
  ['srl_c3', 13, true, (i) => i.c.srl(3), (v) => mod(v.c, 13) >> 3n],
  ['sra_a2', 13, false, (i) => i.a.sra(2), (v) => sv(v.a, 13) >> 2n],
  ['shr_f39', 40, true, (i) => i.f.shr(39), (v) => v.f >> 39n],
  ['dshl_a', 20, false, (i) => i.a.shl(i.sh), (v) => v.a << v.sh],
  ['dshl_c', 20, true, (i) => i.c.shl(i.sh), (v) => v.c << v.sh],
  ['dshl_f', 48, true, (i) => i.f.shl(i.sh2, 48), (v) => v.f << v.sh2],
  ['dshr_a', 13, false, (i) => i.a.shr(i.sh), (v) => v.a >> v.sh],
  ['dsra_c', 13, true, (i) => i.c.shr(i.sh), (v) => v.c >> v.sh],
  ['dsrl_c', 13, true, (i) => i.c.srl(i.sh), (v) => mod(v.c, 13) >> v.sh],
  ['dsra_e', 40, false, (i) => i.e.sra(i.sh2), (v) => sv(v.e, 40) >> v.sh2],
  ['eq_ab', 1, false, (i) => i.a.eq(i.b), (v) => b(v.a === v.b)],
  ['ne_cd', 1, false, (i) => i.c.ne(i.d), (v) => b(v.c !== v.d)],
  ['lt_ab', 1, false, (i) => i.a.lt(i.b), (v) => b(v.a < v.b)],
  ['le_cd', 1, false, (i) => i.c.le(i.d), (v) => b(v.c <= v.d)],
  ['gt_ac', 1, false, (i) => i.a.gt(i.c), (v) => b(v.a > v.c)],
  ['ge_ef', 1, false, (i) => i.e.ge(i.f), (v) => b(v.e >= v.f)],
  ['lt_fk', 1, false, (i) => i.f.lt(-5), (v) => b(v.f < -5n)],
  ['gt_ck', 1, false, (i) => i.c.gt(100), (v) => b(v.c > 100n)],
  ['eq_ek', 1, false, (i) => i.e.eq(0xffffffffffn), (v) => b(v.e === 0xffffffffffn)],
  ['andr_a', 1, false, (i) => i.a.andR(), (v) => b(v.a === 8191n)],
  ['orr_e', 1, false, (i) => i.e.orR(), (v) => b(v.e !== 0n)],
  ['xorr_f', 1, false, (i) => i.f.xorR(), (v) => popParity(mod(v.f, 40))],
  ['mux_ac', 14, true, (i) => mux(i.sh.bit(0), i.a, i.c), (v) => ((v.sh & 1n) ? v.a : v.c)],
  ['mux_cd', 13, true, (i) => mux(i.a.lt(i.b), i.c, i.d), (v) => (v.a < v.b ? v.c : v.d)],
  ['cat_acs', 29, false, (i) => cat(i.a, i.c, i.sh), (v) => (v.a << 16n) | (mod(v.c, 13) << 3n) | v.sh],
  ['slice_e', 20, false, (i) => i.e.slice(39, 20), (v) => v.e >> 20n],
  ['bit_c', 1, false, (i) => i.c.bit(12), (v) => b(v.c < 0n)],
  ['rep_sh', 9, false, (i) => i.sh.repeat(3), (v) => (v.sh << 6n) | (v.sh << 3n) | v.sh],
  ['resize_c8', 8, true, (i) => i.c.resize(8), (v) => v.c],
  ['resize_c20', 20, true, (i) => i.c.resize(20), (v) => v.c],
  ['resize_a20', 20, false, (i) => i.a.resize(20), (v) => v.a],
  ['zext_c', 16, false, (i) => i.c.zext(16), (v) => mod(v.c, 13)],
  ['sext_a', 16, true, (i) => i.a.sext(16), (v) => sv(v.a, 13)],
  ['trunc_f', 33, true, (i) => i.f.trunc(33), (v) => v.f],
  ['sat_cd8', 8, true, (i) => i.c.mul(i.d).sat(8), (v) => clamp(v.c * v.d, -128n, 127n)],
  ['sat_ab16', 16, false, (i) => i.a.mul(i.b).sat(16), (v) => clamp(v.a * v.b, 0n, 65535n)],
  ['sat_f36', 36, true, (i) => i.f.sat(36), (v) => clamp(v.f, -(2n ** 35n), 2n ** 35n - 1n)],
  ['sat_c1', 1, true, (i) => i.c.sat(1), (v) => clamp(v.c, -1n, 0n)],
  ['as_s_a', 13, true, (i) => i.a.asSigned(), (v) => sv(v.a, 13)],
  ['as_u_c', 13, false, (i) => i.c.asUnsigned(), (v) => mod(v.c, 13)],
  ['chain', 15, true, (i) => i.a.sub(i.b).asSigned().add(i.c).sra(i.sh), (v) => (sv(mod(v.a - v.b, 14), 14) + v.c) >> v.sh],
  ['select_sh', 14, true, (i) => select(i.sh, [i.a, i.b, i.c, i.d, i.a.not(), 77]), (v) => [v.a, v.b, v.c, v.d, mod(~v.a, 13), 77n, 0n, 0n][Number(v.sh)]!],
  ['add_tree', 17, true, (i) => addTree([i.a, i.b, i.c, i.d, i.sh]), (v) => v.a + v.b + v.c + v.d + v.sh],
  ['const_mix', 10, true, (i) => lit(-5, SInt(8)).mul(3).add(i.sh).resize(10), (v) => -15n + v.sh],
  // Negative constants in signed contexts print as `-13'sd3` (see NEGATIVE_TEXT below).
  ['lt_cneg', 1, false, (i) => i.c.lt(-3), (v) => b(v.c < -3n)],
  ['ge_cmin', 1, false, (i) => i.c.ge(-4096), (v) => b(v.c >= -4096n)],
  ['le_cmin', 1, false, (i) => i.c.le(-4096), (v) => b(v.c <= -4096n)],
  ['lt_s1', 1, false, (i) => i.c.bit(0).asSigned().lt(lit(0, SInt(1))), (v) => mod(v.c, 13) & 1n],
  ['eq_cneg', 1, false, (i) => i.c.eq(-1), (v) => b(v.c === -1n)],
  ['mul_cneg', 16, true, (i) => i.c.mul(-3), (v) => v.c * -3n],
  ['and_cneg', 13, true, (i) => i.c.and(-4), (v) => v.c & -4n],
  ['add_fneg', 41, true, (i) => i.f.add(-70000), (v) => v.f - 70000n],
  ['mux_cneg', 13, true, (i) => mux(i.sh.bit(0), i.c, -100), (v) => ((v.sh & 1n) ? v.c : -100n)],
  ['cat_neg', 8, false, (i) => cat(i.a.slice(3, 0), lit(-3, SInt(4))), (v) => ((v.a & 15n) << 4n) | 13n],
  ['select_neg', 13, true, (i) => select(i.sh, [i.c, i.d], -5), (v) => [v.c, v.d][Number(v.sh)] ?? -5n],
];

/** How some of the negative constants above must read in the Verilog. */
const NEGATIVE_TEXT = [
  "assign lt_cneg = $signed(c) < -13'sd3;",
  "assign ge_cmin = $signed(c) >= -13'sd4096;",
  "assign lt_s1 = $signed(c[0]) < 1'sb0;",
  "assign eq_cneg = c == -13'sd1;",
  "assign add_fneg = {f[39], f} + (-41'sh11170);",
];

const Alu = defineModule('alu', (m) => {
  const ins = Object.fromEntries(Object.entries(INPUTS).map(([n, [w, s]]) => [n, m.input(n, s ? SInt(w) : UInt(w))])) as In;
  for (const [name, , , build] of CASES) {
    const v = build(ins);
    m.output(name, v.type).set(v);
  }
});

describe('operator semantics under Icarus', () => {
  it(`matches bigint reference on ${VECTORS} seeded vectors`, () => {
    const design = elaborate(Alu());
    for (const [name, w, s] of CASES) {
      const port = design.ports().find((p) => p.name === name)!;
      expect([name, port.width, port.signed]).toEqual([name, w, s]);
    }
    const dir = mkdtempSync(join(tmpdir(), 'dsl-sem-'));
    try {
      const files = writeVerilog(design, dir, { locators: false });
      const text = readFileSync(files.find((f) => f.endsWith(`${design.top.name}.v`))!, 'utf8');
      for (const line of NEGATIVE_TEXT) expect(text).toContain(line);
      // Every operator's Verilog must also be free of Verilator -Wall warnings (WIDTH above all).
      const lint = verilatorLint(files, design.top.name);
      expect(lint.ok, lint.output).toBe(true);
      const rng = new Rng(SEED);
      const inputs = Object.entries(INPUTS).map(([name, [width, signed]]) => ({ name, width, signed }));
      const inWidth = inputs.reduce((s, x) => s + x.width, 0);
      const vectors: Vals[] = [];
      for (let k = 0; k < VECTORS; k++) {
        const v = {} as Vals;
        for (const x of inputs) {
          const edge = [0n, 1n, (1n << BigInt(x.width)) - 1n, 1n << BigInt(x.width - 1), (1n << BigInt(x.width - 1)) - 1n];
          const bits = rng.next() < 0.25 ? edge[rng.int(0, edge.length - 1)]! : rng.bits(x.width);
          v[x.name as keyof Vals] = x.signed ? sv(bits, x.width) : bits;
        }
        vectors.push(v);
      }
      let lo = inWidth;
      const fields = inputs.map((x) => { lo -= x.width; return { ...x, hi: lo + x.width - 1, lo }; });
      const hex = vectors.map((v) => fields.reduce((acc, f) => acc | (mod(v[f.name as keyof Vals], f.width) << BigInt(f.lo)), 0n).toString(16)).join('\n');
      writeFileSync(join(dir, 'vectors.hex'), `${hex}\n`);
      const tb = renderTemplate('testbench.v.hbs', {
        name: 'tb', dut: design.top.name, vectorFile: 'vectors.hex', inWidth, count: VECTORS,
        inputs: fields, outputs: CASES.map(([name, w]) => ({ name, width: w })),
        ports: design.ports().map((p) => p.name), displayFormat: CASES.map(() => '%h').join(' '),
      });
      writeFileSync(join(dir, 'tb.v'), tb);
      // The same vectors through the emitted Verilog and through yosys's reading of it (its own
      // netlist after proc/opt, with every constant re-printed by yosys), both under Icarus.
      const netlist = join(dir, 'yosys_netlist.v');
      const ys = yosysNetlist(files, design.top.name, netlist);
      expect(ys.ok, ys.output).toBe(true);
      let compared = 0;
      const mismatches: string[] = [];
      for (const [reader, sources] of [['Icarus', files], ['yosys+Icarus', [netlist]]] as const) {
        const sim = iverilogRun([...sources, join(dir, 'tb.v')], 'tb', dir);
        expect(sim.ok, sim.output).toBe(true);
        const lines = sim.stdout.trim().split('\n');
        expect(lines.length).toBe(VECTORS);
        lines.forEach((line, k) => {
          const got = line.trim().split(/\s+/);
          CASES.forEach(([name, w, , , ref], j) => {
            const want = mod(ref(vectors[k]!), w);
            const have = /^[0-9a-f]+$/i.test(got[j]!) ? BigInt(`0x${got[j]}`) : -1n;
            compared++;
            if (have !== want && mismatches.length < 10) {
              mismatches.push(`${reader}, seed ${SEED} vector ${k} ${name}: got ${got[j]} want ${want.toString(16)} inputs ${JSON.stringify(vectors[k], (_x, y) => (typeof y === 'bigint' ? y.toString() : y))}`);
            }
          });
        });
      }
      console.log(`compared ${compared} output values (${VECTORS} vectors x ${CASES.length} operators x 2 readers, seed ${SEED}): ` +
        'Icarus on the emitted Verilog and on yosys\'s netlist of it, against the bigint reference');
      expect(mismatches).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

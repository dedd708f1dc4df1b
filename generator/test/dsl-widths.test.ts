/**
 * The width policy, operation by operation: result widths and signedness against the rules in
 * docs/dsl.md (hand-derived expectations), constant folding against hand-computed values, and the
 * assignment rules (extend narrower by the source's signedness; wider or other signedness: error).
 */
import { describe, expect, it } from 'vitest';
import {
  ElaborationError, ModuleBuilder, SInt, UInt, cat, defineModule, elaborate, lit, mux, toSigned, type Value,
} from '../dsl/index.js';

/** Runs `fn` inside a throwaway module and returns what it returns. */
function inModule<T>(fn: (m: ModuleBuilder) => T): T {
  let out: T | undefined;
  elaborate(defineModule('scratch', (m) => { out = fn(m); })());
  return out!;
}

const shape = (v: Value): string => `${v.signed ? 's' : 'u'}${v.width}`;

describe('width policy', () => {
  it('gives every operator the documented result type', () => {
    const rows = inModule((m) => {
      const u8 = m.input('u8', UInt(8));
      const u4 = m.input('u4', UInt(4));
      const s8 = m.input('s8', SInt(8));
      const s6 = m.input('s6', SInt(6));
      const u3 = m.input('u3', UInt(3));
      const u7 = m.input('u7', UInt(7));
      return [
        ['u8+u4', u8.add(u4), 'u9'], ['s8+s6', s8.add(s6), 's9'], ['u8+s6 (mixed)', u8.add(s6), 's10'],
        ['u4+s8 (mixed)', u4.add(s8), 's9'], ['u8-u8', u8.sub(u8), 'u9'], ['s8-u4', s8.sub(u4), 's9'],
        ['u8*u4', u8.mul(u4), 'u12'], ['s8*s6', s8.mul(s6), 's14'], ['u8*s6 (mixed)', u8.mul(s6), 's15'],
        ['-u8', u8.neg(), 's9'], ['-s8', s8.neg(), 's9'],
        ['u8&u4', u8.and(u4), 'u8'], ['s8|u4', s8.or(u4), 's8'], ['s6^u8', s6.xor(u8), 's9'], ['~s6', s6.not(), 's6'],
        ['u8<<3', u8.shl(3), 'u11'], ['s8<<1', s8.shl(1), 's9'], ['u8<<u3', u8.shl(u3), 'u15'], ['s8<<u3', s8.shl(u3), 's15'],
        ['u8<<u7 to 20', u8.shl(u7, 20), 'u20'],
        ['u8>>3', u8.shr(3), 'u8'], ['s8>>u3', s8.shr(u3), 's8'], ['s8 srl 2', s8.srl(2), 's8'], ['u8 sra 2', u8.sra(2), 'u8'],
        ['u8==s8', u8.eq(s8), 'u1'], ['s8<s6', s8.lt(s6), 'u1'], ['andR', s8.andR(), 'u1'], ['xorR', u8.xorR(), 'u1'],
        ['mux(u8,s6)', mux(u3.bit(0), u8, s6), 's9'], ['mux(u8,u4)', mux(u3.bit(0), u8, u4), 'u8'],
        ['cat(u8,s6,u3)', cat(u8, s6, u3), 'u17'], ['slice', s8.slice(6, 2), 'u5'], ['bit', s8.bit(7), 'u1'],
        ['repeat', u3.repeat(4), 'u12'], ['trunc', s8.trunc(5), 's5'], ['resize down', u8.resize(3), 'u3'],
        ['resize up', s6.resize(10), 's10'], ['zext', s6.zext(9), 'u9'], ['sext', u4.sext(7), 's7'],
        ['sat', s8.mul(s8).sat(8), 's8'], ['sat up', u4.sat(6), 'u6'],
        ['asSigned', u8.asSigned(), 's8'], ['asUnsigned', s8.asUnsigned(), 'u8'],
        ['u8+1', u8.add(1), 'u9'], ['s8+1', s8.add(1), 's9'], ['u8+(-1)', u8.add(-1), 's10'], ['u4*100', u4.mul(100), 'u11'],
      ] as [string, Value, string][];
    });
    const got = rows.map(([what, v]) => [what, shape(v)]);
    expect(got).toEqual(rows.map(([what, , want]) => [what, want]));
    console.log(`compared ${rows.length} operator result types with the documented policy`);
  });

  it('folds constant-only expressions to the right value and type', () => {
    const cases: [string, Value, bigint, string][] = [
      ['-5 * 3', lit(-5, SInt(8)).mul(3), -15n, 's11'],
      ['200 + 100', lit(200, UInt(8)).add(100), 300n, 'u9'],
      ['0xff >> 4 (signed)', lit(-1, SInt(8)).shr(4), -1n, 's8'],
      ['0x80 srl 7', lit(-128, SInt(8)).srl(7), 1n, 's8'],
      ['cat', cat(lit(5, UInt(4)), lit(3, UInt(4))), 0x53n, 'u8'],
      ['2^40 - 1 + 1', lit(2n ** 40n - 1n, UInt(40)).add(1), 2n ** 40n, 'u41'],
      ['sat(-300 -> 8)', lit(-300, SInt(12)).sat(8), -128n, 's8'],
      ['sat(300 -> u8)', lit(300, UInt(12)).sat(8), 255n, 'u8'],
      ['-7 < 3', lit(-7, SInt(4)).lt(3), 1n, 'u1'],
      ['15u < -1', lit(15, UInt(4)).lt(-1), 0n, 'u1'],
    ];
    for (const [what, v, want, type] of cases) {
      expect([what, v.node.op, shape(v)]).toEqual([what, 'const', type]);
      const value = v.signed ? toSigned(v.node.value, v.width) : v.node.value;
      expect([what, value]).toEqual([what, want]);
    }
    console.log(`compared ${cases.length} folded constants with hand-computed values`);
  });

  it('extends narrower sources by their own signedness on assignment', () => {
    const design = elaborate(defineModule('ext', (m) => {
      const u4 = m.input('u4', UInt(4));
      const s4 = m.input('s4', SInt(4));
      const y = m.output('y', UInt(8));
      const z = m.output('z', SInt(8));
      y.set(u4);
      z.set(s4);
    })());
    const assigns = design.top.body.map((s) => (s.kind === 'assign' ? `${s.target.name}<-${s.value.op}${s.value.width}` : s.kind));
    expect(assigns).toEqual(['y<-zext8', 'z<-sext8']);
  });

  it('rejects wider sources and signedness mismatches, naming both sides', () => {
    let err: ElaborationError | undefined;
    try {
      elaborate(defineModule('narrow', (m) => {
        const a = m.input('a', UInt(9));
        const s = m.input('s', SInt(8));
        const y = m.output('y', UInt(8));
        const z = m.output('z', UInt(8));
        y.set(a);
        z.set(s);
      })());
    } catch (e) {
      err = e as ElaborationError;
    }
    expect(err).toBeInstanceOf(ElaborationError);
    const msgs = err!.diagnostics.map((d) => `${d.kind}: ${d.message}`);
    expect(msgs[0]).toMatch(/^width-mismatch: cannot assign 'a' \(unsigned 9 bits\) to 'y' \(unsigned 8 bits\)/);
    expect(msgs[1]).toMatch(/^signedness-mismatch: cannot assign 's' \(signed 8 bits\) to 'z' \(unsigned 8 bits\)/);
  });

  it('requires an explicit result width for a large shift by a signal', () => {
    expect(() => inModule((m) => m.input('a', UInt(8)).shl(m.input('k', UInt(8))))).toThrow(/would grow the result by 255 bits; give the result width/);
  });
});

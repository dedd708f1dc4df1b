/**
 * The shadowed-assignment check: an assignment that overrides every earlier assignment to the
 * same signal is an error naming both sites (lines found independently, by marker comments), the
 * legal patterns (defaults first, wire defaults, setDefault) pass, and on seeded random statement
 * trees every assignment it calls overridden is dead by brute-force simulation of last-wins.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  Bool, ElaborationError, Loc, ModuleIR, Node, SignalIR, UInt, defineModule, elaborate, type Diagnostic, type ModuleSpec, type Stmt,
} from '../dsl/index.js';
import { shadowedAssignCheck } from '../checks/index.js';
import { Rng } from '../../common/rng.js';

const FILE = 'generator/test/errors-shadowed.test.ts';
const SOURCE = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n');

/** `file:line` of the line holding `// @marker`. */
function at(marker: string): string {
  const i = SOURCE.findIndex((l) => l.includes(`// @${marker}`) && !l.includes('at('));
  if (i < 0) throw new Error(`marker @${marker} not found`);
  return `${FILE}:${i + 1}`;
}

function shadowed(spec: ModuleSpec<any>): Diagnostic[] {
  try {
    elaborate(spec);
    return [];
  } catch (e) {
    expect(e).toBeInstanceOf(ElaborationError);
    return (e as ElaborationError).diagnostics.filter((d) => d.kind === 'shadowed-assignment');
  }
}

const where = (d: Diagnostic): string => `${d.location.file}:${d.location.line}`;

describe('shadowed assignments', () => {
  it('a default after m.fsm() overriding every state is reported with both sites', () => {
    const M = defineModule('shadow_fsm', (m) => {
      m.clockAndReset();
      const go = m.input('go', Bool);
      const memEn = m.output('mem_en', Bool);
      const f = m.fsm('ctl', ['idle', 'read', 'write'] as const); // @fsm
      f.state('idle', () => m.when(go, () => f.goto('read')));
      f.state('read', () => { memEn.set(1); f.goto('write'); }); // @read
      f.state('write', () => { memEn.set(1); f.goto('idle'); }); // @write
      memEn.set(0); // @late-default
    });
    const ds = shadowed(M());
    expect(ds.length).toBe(1);
    expect(where(ds[0]!)).toBe(at('late-default'));
    expect(ds[0]!.message).toBe(`'mem_en' assigned at ${at('late-default')} overrides every earlier assignment ` +
      `(${at('read')}, ${at('write')}); assign defaults before m.fsm() at ${at('fsm')} (its states take effect there), or in every state`);
    console.log(`compared shadowed-assignment at ${where(ds[0]!)}: ${ds[0]!.message}`);
  });

  it('an unconditional assignment after a when is reported', () => {
    const M = defineModule('shadow_when', (m) => {
      const c = m.input('c', Bool);
      const a = m.input('a', UInt(4));
      const y = m.output('y', UInt(4));
      y.set(1); // @first
      m.when(c, () => y.set(a)); // @cond
      y.set(a.not()); // @last
    });
    const ds = shadowed(M());
    expect(ds.map((d) => [where(d), d.message])).toEqual([[at('last'),
      `'y' assigned at ${at('last')} overrides every earlier assignment (${at('first')}, ${at('cond')}); assign defaults first`]]);
    console.log(`compared shadowed-assignment at ${where(ds[0]!)}: ${ds[0]!.message}`);
  });

  it('a when/otherwise assigning on every path overrides, and so does a repeat inside one branch', () => {
    const M = defineModule('shadow_full', (m) => {
      const c = m.input('c', Bool);
      const d = m.input('d', Bool);
      const y = m.output('y', UInt(2));
      const z = m.output('z', UInt(2));
      y.set(0); // @y-default
      m.when(c, () => y.set(1)).otherwise(() => y.set(2)); // @y-full
      z.set(0);
      m.when(d, () => {
        z.set(1); // @z-inner
        z.set(3); // @z-inner-last
      });
    });
    const ds = shadowed(M());
    expect(ds.map((x) => [where(x), x.message])).toEqual([
      [at('y-full'), `'y' assigned on every path of the when at ${at('y-full')} overrides every earlier assignment (${at('y-default')}); assign defaults first`],
      [at('z-inner-last'), `'z' assigned at ${at('z-inner-last')} overrides every earlier assignment (${at('z-inner')}); assign defaults first`],
    ]);
    console.log(`compared ${ds.length} shadowed-assignment diagnostics (full when/otherwise, repeat in a branch)`);
  });

  it('defaults first, wire defaults, setDefault and instance connections overridden later stay legal', () => {
    const Child = defineModule('shadow_child', (m) => {
      m.output('q', UInt(4)).set(m.input('p', UInt(4)));
    });
    const M = defineModule('shadow_legal', (m) => {
      m.clockAndReset();
      const c = m.input('c', Bool);
      const a = m.input('a', UInt(4));
      const y = m.output('y', UInt(4));
      const w = m.wire('w', UInt(4), { default: 3 });
      const memEn = m.output('mem_en', Bool);
      w.set(a); // unconditional after a wire default: legal
      m.setDefault(y, 0);
      y.set(w); // unconditional after setDefault: legal
      m.when(c, () => y.set(a));
      memEn.set(0); // default before the fsm
      const f = m.fsm('ctl', ['idle', 'busy'] as const);
      f.state('idle', () => m.when(c, () => f.goto('busy')));
      f.state('busy', () => { memEn.set(1); f.goto('idle'); });
      const u = m.instance('u', Child(), { p: a });
      m.output('o', UInt(4)).set(u.io.q);
    });
    expect(shadowed(M())).toEqual([]);
    console.log('compared 1 legal design: 0 shadowed-assignment diagnostics');
  });

  it('runs alone as a pass', () => {
    const M = defineModule('shadow_alone', (m) => {
      const y = m.output('y', Bool);
      y.set(0);
      y.set(1);
    });
    const design = elaborate(M(), { checks: [] });
    const kinds: string[] = [];
    shadowedAssignCheck.run(design.top, (kind) => kinds.push(kind));
    expect(kinds).toEqual(['shadowed-assignment']);
  });
});

describe('shadowed assignments on random statement trees', () => {
  const SEED = 4242;
  const TREES = 400;

  it('every assignment reported as overridden is dead under brute-force last-wins simulation', () => {
    const rng = new Rng(SEED);
    let reportedTotal = 0;
    let assigns = 0;
    let deadTotal = 0;
    for (let t = 0; t < TREES; t++) {
      const m = new ModuleIR('rand', 'rand', {}, Loc.at('gen', 0));
      const sig = (name: string, kind: 'input' | 'output', width: number): SignalIR => {
        const s = new SignalIR(name, kind, width, false, undefined, Loc.at('gen', 0), m);
        m.signals.push(s);
        return s;
      };
      const conds = [sig('c0', 'input', 1), sig('c1', 'input', 1), sig('c2', 'input', 1)];
      const subject = sig('s', 'input', 2);
      const targets = [sig('x', 'output', 1), sig('y', 'output', 1)];
      const one = new Node('const', 1, false, []);
      let id = 0;
      const block = (depth: number): Stmt[] => {
        const out: Stmt[] = [];
        const n = rng.int(1, 4);
        for (let k = 0; k < n; k++) {
          const pick = depth >= 3 ? 0 : rng.next();
          if (pick < 0.55) out.push({ kind: 'assign', target: targets[rng.int(0, 1)]!, value: one, loc: Loc.at('gen', ++id) });
          else if (pick < 0.8) {
            out.push({ kind: 'if', cond: conds[rng.int(0, 2)]!.ref, then: block(depth + 1), else: rng.next() < 0.5 ? block(depth + 1) : [], loc: Loc.at('gen', ++id) });
          } else {
            const values = [0n, 1n, 2n, 3n].filter(() => rng.next() < 0.7);
            out.push({
              kind: 'switch', subject: subject.ref, loc: Loc.at('gen', ++id),
              cases: values.map((v) => ({ values: [v], labels: [undefined], body: block(depth + 1), loc: Loc.at('gen', id) })),
              default: rng.next() < 0.4 ? block(depth + 1) : null,
            });
          }
        }
        return out;
      };
      m.body.push(...block(0));
      const all: string[] = [];
      const list = (stmts: readonly Stmt[]): void => {
        for (const s of stmts) {
          if (s.kind === 'assign') all.push(String(s.loc));
          else if (s.kind === 'if') { list(s.then); list(s.else); }
          else { for (const c of s.cases) list(c.body); list(s.default ?? []); }
        }
      };
      list(m.body);

      // Brute force: run every input valuation, note which assignment ends up as the value.
      const live = new Set<string>();
      for (let v = 0; v < 32; v++) {
        const value = (s: SignalIR): number => (s === subject ? v >> 3 : (v >> conds.indexOf(s)) & 1);
        const final = new Map<SignalIR, string>();
        const run = (stmts: readonly Stmt[]): void => {
          for (const s of stmts) {
            if (s.kind === 'assign') final.set(s.target, String(s.loc));
            else if (s.kind === 'if') run(value(s.cond.signal!) ? s.then : s.else);
            else {
              const hit = s.cases.find((c) => c.values.includes(BigInt(value(s.subject.signal!))));
              run(hit ? hit.body : s.default ?? []);
            }
          }
        };
        run(m.body);
        for (const l of final.values()) live.add(l);
      }
      const reported: string[] = [];
      shadowedAssignCheck.run(m, (kind, message) => {
        expect(kind).toBe('shadowed-assignment');
        reported.push(...message.match(/every earlier assignment \(([^)]*)\)/)![1]!.split(', '));
      });
      const wrong = reported.filter((l) => live.has(l));
      expect(wrong, `seed ${SEED} tree ${t}: reported overridden but live: ${wrong.join(', ')}`).toEqual([]);
      expect(new Set(reported).size, `seed ${SEED} tree ${t}: an assignment reported twice`).toBe(reported.length);
      reportedTotal += reported.length;
      assigns += all.length;
      deadTotal += all.filter((l) => !live.has(l)).length;
    }
    console.log(`compared ${TREES} random trees (seed ${SEED}), ${assigns} assignments x 32 input valuations: ` +
      `${reportedTotal} reported overridden (each once), all dead; ${deadTotal} dead by brute force`);
    expect(reportedTotal).toBeGreaterThan(TREES / 4);
  });
});

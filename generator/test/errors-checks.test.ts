/**
 * Each check pass alone, on IR elaborated with no checks: a pass reports exactly its own kind of
 * problem, and a correct design passes all of them.
 */
import { describe, expect, it } from 'vitest';
import { Bool, UInt, defineModule, elaborate, type DiagnosticKind } from '../dsl/index.js';
import {
  clockDomainCheck, combLoopCheck, defaultChecks, fsmCheck, latchCheck, multipleDriversCheck, shadowedAssignCheck, undrivenCheck,
  type CheckPass,
} from '../checks/index.js';

const Faulty = defineModule('faulty', (m) => {
  const c = m.input('c', Bool);
  const a = m.input('a', UInt(4));
  const l = m.output('l', UInt(4));
  m.when(c, () => l.set(a)); // latch
  m.output('u', UInt(4)); // undriven
  const p = m.wire('p', UInt(4));
  const q = m.wire('q', UInt(4));
  p.set(q.and(a));
  q.set(p); // loop p -> q -> p
  m.output('o', UInt(4)).set(q);
  m.reg('r', UInt(4), { init: 1 }); // no domain
  const f = m.withDomain(m.clockDomain(c), () => m.fsm('f', ['a', 'b'] as const));
  f.state('a', () => f.goto('b')); // b undefined
  const s = m.output('s', Bool);
  s.set(c);
  s.set(0); // overrides the line above
});

const Good = defineModule('good', (m) => {
  m.clockAndReset();
  const c = m.input('c', Bool);
  const y = m.output('y', UInt(4), );
  const r = m.reg('r', UInt(4), { init: 0 });
  r.set(r.add(1).trunc(4));
  y.set(0);
  m.when(c, () => y.set(r));
});

function run(pass: CheckPass, spec = Faulty()): DiagnosticKind[] {
  const design = elaborate(spec, { checks: [] });
  const kinds: DiagnosticKind[] = [];
  for (const mod of design.modules) pass.run(mod, (kind) => kinds.push(kind));
  return kinds;
}

describe('check passes run alone', () => {
  const expected: [CheckPass, DiagnosticKind[]][] = [
    [clockDomainCheck, ['no-clock-domain']],
    [undrivenCheck, ['undriven']],
    [multipleDriversCheck, []],
    [latchCheck, ['latch']],
    [combLoopCheck, ['comb-loop']],
    [fsmCheck, ['fsm-undefined-state']],
    [shadowedAssignCheck, ['shadowed-assignment']],
  ];
  for (const [pass, kinds] of expected) {
    it(`${pass.name} reports only its own findings`, () => {
      expect(run(pass)).toEqual(kinds);
    });
  }
  it('every pass accepts a correct design', () => {
    for (const pass of defaultChecks) expect([pass.name, run(pass, Good())]).toEqual([pass.name, []]);
    console.log(`compared ${defaultChecks.length} passes on a faulty and a correct design`);
  });
});

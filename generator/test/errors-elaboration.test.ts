/**
 * Every elaboration error kind: the message says what is wrong (both widths, both signals, both
 * sites), and the reported location is the line of THIS file that described the hardware (found
 * independently, by the marker comment on that line).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  Bool, ElaborationError, SInt, UInt, defineModule, elaborate, type Diagnostic, type ModuleSpec,
} from '../dsl/index.js';
import { isUserError } from '../../common/user-error.js';

const FILE = 'generator/test/errors-elaboration.test.ts';
const SOURCE = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n');

/** The 1-based line holding `// @marker`. */
function line(marker: string): number {
  const i = SOURCE.findIndex((l) => l.includes(`// @${marker}`) && !l.includes('line('));
  if (i < 0) throw new Error(`marker @${marker} not found`);
  return i + 1;
}

function diagnostics(spec: ModuleSpec<any>): Diagnostic[] {
  try {
    elaborate(spec);
  } catch (e) {
    expect(e).toBeInstanceOf(ElaborationError);
    expect(isUserError(e)).toBe(true);
    return [...(e as ElaborationError).diagnostics];
  }
  throw new Error('elaboration unexpectedly succeeded');
}

function expectOne(spec: ModuleSpec<any>, kind: Diagnostic['kind'], marker: string, message: RegExp): void {
  const ds = diagnostics(spec).filter((d) => d.kind === kind);
  expect(ds.length, JSON.stringify(ds)).toBeGreaterThanOrEqual(1);
  expect(ds[0]!.message).toMatch(message);
  expect(ds[0]!.location).toEqual({ file: FILE, line: line(marker) });
  console.log(`compared ${kind} at ${FILE}:${line(marker)}: ${ds[0]!.message.slice(0, 90)}`);
}

describe('elaboration errors carry message and the user file:line', () => {
  it('width mismatch (both widths, both signals)', () => {
    const M = defineModule('w', (m) => {
      const a = m.input('a', UInt(12));
      const y = m.output('y', UInt(8));
      y.set(a); // @width
    });
    expectOne(M(), 'width-mismatch', 'width', /cannot assign 'a' \(unsigned 12 bits\) to 'y' \(unsigned 8 bits\).*\.trunc\(8\)/);
  });

  it('signedness mismatch', () => {
    const M = defineModule('s', (m) => {
      const a = m.input('a', SInt(8));
      const y = m.output('y', UInt(8));
      y.set(a); // @sign
    });
    expectOne(M(), 'signedness-mismatch', 'sign', /'a' \(signed 8 bits\) to 'y' \(unsigned 8 bits\)/);
  });

  it('undriven output and wire', () => {
    const M = defineModule('u', (m) => {
      m.output('y', UInt(8)); // @undriven-out
      const w = m.wire('w', UInt(4)); // @undriven-wire
      m.output('z', UInt(4)).set(w);
    });
    expectOne(M(), 'undriven', 'undriven-out', /output 'y' of module u is never assigned/);
    const ds = diagnostics(M()).filter((d) => d.kind === 'undriven');
    expect(ds[1]).toMatchObject({ message: "wire 'w' is never assigned", location: { file: FILE, line: line('undriven-wire') } });
  });

  it('multiple drivers (reports both sites)', () => {
    const Src = defineModule('src', (m) => { m.output('q', UInt(4)).set(3); });
    const M = defineModule('md', (m) => {
      const w = m.wire('w', UInt(4));
      m.instance('s0', Src(), { q: w }); // @driver1
      m.instance('s1', Src(), { q: w }); // @driver2
      m.output('y', UInt(4)).set(w);
    });
    expectOne(M(), 'multiple-drivers', 'driver2', new RegExp(`'w' has multiple drivers: instance outputs connected at ${FILE}:${line('driver1')} and ${FILE}:${line('driver2')}`));
  });

  it('combinational loop (names the signals in the loop)', () => {
    const M = defineModule('loop', (m) => {
      const a = m.input('a', UInt(4));
      const p = m.wire('p', UInt(4));
      const q = m.wire('q', UInt(4));
      p.set(q.xor(a)); // @loop
      q.set(p.and(a));
      m.output('y', UInt(4)).set(q);
    });
    expectOne(M(), 'comb-loop', 'loop', /combinational loop: p -> q -> p/);
  });

  it('combinational loop through a child instance', () => {
    const Pass = defineModule('pass', (m) => { m.output('o', UInt(4)).set(m.input('i', UInt(4))); });
    const M = defineModule('loop2', (m) => {
      const w = m.wire('w', UInt(4));
      const u = m.instance('u', Pass());
      u.io.i.set(w);
      w.set(u.io.o); // @loop2
      m.output('y', UInt(4)).set(w);
    });
    expectOne(M(), 'comb-loop', 'loop2', /combinational loop: .*w.*u_i.*|combinational loop: .*u_i.*w/);
  });

  it('latch (not assigned on every path, no default)', () => {
    const M = defineModule('latch', (m) => {
      const c = m.input('c', Bool);
      const y = m.output('y', UInt(4));
      m.when(c, () => y.set(1)); // @latch
    });
    expectOne(M(), 'latch', 'latch', /'y' is not assigned on every path and has no default/);
  });

  it('register outside a clock domain', () => {
    const M = defineModule('nodomain', (m) => {
      const r = m.reg('r', UInt(4), { init: 0 }); // @reg
      r.set(r.add(1).trunc(4));
      m.output('y', UInt(4)).set(r);
    });
    expectOne(M(), 'no-clock-domain', 'reg', /register 'r' is created outside any clock domain/);
  });

  it('fsm state targeted but never defined', () => {
    const M = defineModule('fsmerr', (m) => {
      m.clockAndReset();
      const f = m.fsm('ctl', ['idle', 'run', 'stop'] as const);
      f.state('idle', () => f.goto('run'));
      f.state('run', () => f.goto('stop')); // @goto
      m.output('busy', Bool).set(f.is('run'));
    });
    expectOne(M(), 'fsm-undefined-state', 'goto', /state 'stop' is the target of a goto but is never defined/);
  });

  it('instance: unknown port, missing input, driving an output', () => {
    const Child = defineModule('child', (m) => { m.output('o', UInt(4)).set(m.input('i', UInt(4))); });
    const M = defineModule('inst', (m) => {
      const u = m.instance('u', Child(), { nope: 1 }); // @inst
      u.io.o.set(2); // @drive-out
      m.output('y', UInt(4)).set(u.io.o);
    });
    expectOne(M(), 'unknown-port', 'inst', /instance u of child has no port 'nope'; its ports are: o, i/);
    expectOne(M(), 'missing-connection', 'inst', /instance u \(child\): input port 'i' is not connected/);
    expectOne(M(), 'drive-output', 'drive-out', /cannot drive output port 'o' of instance u \(child\)/);
  });

  it('parameter-bound width used in width-changing arithmetic', () => {
    const M = defineModule('perr', (m) => {
      const W = m.param('WIDTH', 8);
      const a = m.input('a', UInt(W));
      const y = m.output('y', UInt(9));
      y.set(a.add(1)); // @param
    });
    expectOne(M(), 'param-width', 'param', /add on 'a', whose width is the Verilog parameter WIDTH/);
  });

  it('collects every error of an elaboration into one ElaborationError', () => {
    const M = defineModule('many', (m) => {
      const a = m.input('a', UInt(12));
      m.output('y', UInt(8)).set(a);
      m.output('z', UInt(2));
      m.reg('r', UInt(2), { init: 0 });
    });
    let err: ElaborationError | undefined;
    try { elaborate(M()); } catch (e) { err = e as ElaborationError; }
    expect(err!.diagnostics.map((d) => d.kind)).toEqual(['width-mismatch', 'no-clock-domain', 'undriven', 'undriven']);
    expect(err!.message).toMatch(/^elaboration of many failed with 4 errors:\n {2}generator\/test\/errors-elaboration\.test\.ts:\d+: width-mismatch/);
  });
});

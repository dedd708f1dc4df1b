import type { Loc } from '../dsl/location.js';
import type { AssignStmt, SignalIR, Stmt } from '../dsl/ir.js';
import { definitelyAssigned } from './latch.js';
import type { CheckPass, Report } from './pass.js';

/**
 * Last assignment wins, so a statement that assigns a signal on every path makes every earlier
 * assignment to it in the same block dead. That is never intended: typically a default written
 * after `m.fsm()` (whose states are recorded where the fsm was created) or after a `when`.
 * Defaults first, then conditional overrides, is the legal pattern; wire defaults (m.wire's
 * `default`, m.setDefault) live before the body and are not checked here.
 */
export const shadowedAssignCheck: CheckPass = {
  name: 'shadowed-assignment',
  run(m, report) {
    checkBlock(m.body, { report, fsmAt: new Set(m.fsms.map((f) => f.loc)), dead: new Set() });
  },
};

/** Earlier assignments seen in one block, by target, with the fsm (if any) they were made in. */
interface Earlier {
  stmts: AssignStmt[];
  fsm: Loc | undefined;
}

/** What one run shares across blocks: where fsms were created, and assignments already reported. */
interface Scan {
  report: Report;
  fsmAt: ReadonlySet<Loc>;
  dead: Set<AssignStmt>;
}

function checkBlock(stmts: readonly Stmt[], scan: Scan): void {
  const earlier = new Map<SignalIR, Earlier>();
  for (const s of stmts) {
    // Inner blocks first, so an assignment is reported once, by the nearest override.
    if (s.kind === 'if') { checkBlock(s.then, scan); checkBlock(s.else, scan); }
    else if (s.kind === 'switch') {
      for (const c of s.cases) checkBlock(c.body, scan);
      if (s.default) checkBlock(s.default, scan);
    }
    const full = s.kind === 'assign' ? [s.target] : definitelyAssigned([s]);
    for (const target of full) {
      const prev = earlier.get(target);
      if (!prev) continue;
      scan.report('shadowed-assignment', message(target, s, prev), s.loc);
      for (const a of prev.stmts) scan.dead.add(a);
      earlier.delete(target);
    }
    collect(s, earlier, undefined, scan);
  }
}

/** Adds every live assignment inside `s` (at any depth) to `into`. */
function collect(s: Stmt, into: Map<SignalIR, Earlier>, fsm: Loc | undefined, scan: Scan): void {
  if (s.kind === 'assign') {
    if (scan.dead.has(s)) return;
    let e = into.get(s.target);
    if (!e) into.set(s.target, (e = { stmts: [], fsm }));
    e.stmts.push(s);
    e.fsm ??= fsm;
  } else if (s.kind === 'if') {
    for (const x of [...s.then, ...s.else]) collect(x, into, fsm, scan);
  } else {
    // An fsm's switch carries the location where m.fsm() was called.
    const inFsm = fsm ?? (scan.fsmAt.has(s.loc) ? s.loc : undefined);
    for (const c of s.cases) for (const x of c.body) collect(x, into, inFsm, scan);
    for (const x of s.default ?? []) collect(x, into, inFsm, scan);
  }
}

function message(target: SignalIR, s: Stmt, prev: Earlier): string {
  const how = s.kind === 'assign' ? `assigned at ${s.loc}` : `assigned on every path of the ${s.kind === 'if' ? 'when' : 'switch'} at ${s.loc}`;
  const where = [...new Set(prev.stmts.map((a) => String(a.loc)))].join(', ');
  const fix = prev.fsm
    ? `assign defaults before m.fsm() at ${prev.fsm} (its states take effect there), or in every state`
    : 'assign defaults first';
  return `'${target.name}' ${how} overrides every earlier assignment (${where}); ${fix}`;
}

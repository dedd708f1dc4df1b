/**
 * Splits a module's statement tree into one tree per group of targets (a combinational signal,
 * or a set of registers sharing clock, reset and enable), keeping only the branches that assign
 * the group. Each group becomes one `assign` or `always` block, so no block writes unrelated
 * signals (that keeps Verilator's UNOPTFLAT quiet and makes each signal's logic readable).
 */
import type { Stmt, SignalIR, SwitchCase } from '../dsl/ir.js';

export function projectAll<K>(stmts: readonly Stmt[], keyOf: (s: SignalIR) => K): Map<K, Stmt[]> {
  const out = new Map<K, Stmt[]>();
  const push = (k: K, s: Stmt): void => {
    let list = out.get(k);
    if (!list) out.set(k, (list = []));
    list.push(s);
  };
  for (const s of stmts) {
    if (s.kind === 'assign') push(keyOf(s.target), s);
    else if (s.kind === 'if') {
      const t = projectAll(s.then, keyOf);
      const e = projectAll(s.else, keyOf);
      for (const k of unionKeys([t, e])) push(k, { kind: 'if', cond: s.cond, then: t.get(k) ?? [], else: e.get(k) ?? [], loc: s.loc });
    } else {
      const cases = s.cases.map((c) => projectAll(c.body, keyOf));
      const dflt = s.default ? projectAll(s.default, keyOf) : undefined;
      for (const k of unionKeys(dflt ? [...cases, dflt] : cases)) {
        const cs: SwitchCase[] = s.cases.map((c, i) => ({ ...c, body: cases[i]!.get(k) ?? [] }));
        push(k, { kind: 'switch', subject: s.subject, cases: cs, default: s.default ? dflt!.get(k) ?? [] : null, loc: s.loc });
      }
    }
  }
  return out;
}

function unionKeys<K>(maps: Map<K, Stmt[]>[]): K[] {
  const keys: K[] = [];
  const seen = new Set<K>();
  for (const m of maps) for (const k of m.keys()) if (!seen.has(k)) { seen.add(k); keys.push(k); }
  return keys;
}

/** Drops top-level assignments that a later unconditional one to the same target overrides. */
export function dropOverridden(stmts: Stmt[]): Stmt[] {
  let last = -1;
  stmts.forEach((s, i) => { if (s.kind === 'assign') last = i; });
  return last > 0 ? stmts.slice(last) : stmts;
}

export function isSingleAssign(stmts: readonly Stmt[]): stmts is [import('../dsl/ir.js').AssignStmt] {
  return stmts.length === 1 && stmts[0]!.kind === 'assign';
}

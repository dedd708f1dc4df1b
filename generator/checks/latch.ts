import type { SignalIR, Stmt } from '../dsl/ir.js';
import { isCombinational } from './walk.js';
import type { CheckPass } from './pass.js';

/**
 * A combinational signal must be assigned on every path (or have a default), otherwise it would
 * hold its value: a latch.
 */
export const latchCheck: CheckPass = {
  name: 'latch',
  run(m, report) {
    const always = new Set<SignalIR>();
    for (const d of m.defaults) always.add(d.target);
    for (const s of definitelyAssigned(m.body)) always.add(s);
    for (const s of m.signals) {
      if (!isCombinational(s) || s.assignCount === 0 || always.has(s)) continue;
      report('latch', `'${s.name}' is not assigned on every path and has no default (it would become a latch): ` +
        `give it a default (m.wire(..., { default }) or an assignment before the when) or assign it in every branch`, s.firstAssign ?? s.loc);
    }
  },
};

/** Signals assigned on every path through `stmts`. */
export function definitelyAssigned(stmts: readonly Stmt[]): Set<SignalIR> {
  const out = new Set<SignalIR>();
  for (const s of stmts) {
    if (s.kind === 'assign') out.add(s.target);
    else if (s.kind === 'if') {
      const a = definitelyAssigned(s.then);
      if (a.size === 0) continue;
      const b = definitelyAssigned(s.else);
      for (const x of a) if (b.has(x)) out.add(x);
    } else {
      const full = s.default !== null || s.cases.reduce((n, c) => n + c.values.length, 0) >= 2 ** s.subject.width;
      if (!full) continue;
      const branches = [...s.cases.map((c) => c.body), ...(s.default ? [s.default] : [])];
      let acc: Set<SignalIR> | undefined;
      for (const b of branches) {
        const d = definitelyAssigned(b);
        acc = acc ? new Set([...acc].filter((x) => d.has(x))) : d;
        if (acc.size === 0) break;
      }
      for (const x of acc ?? []) out.add(x);
    }
  }
  return out;
}

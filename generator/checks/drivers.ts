import type { Loc } from '../dsl/location.js';
import type { SignalIR } from '../dsl/ir.js';
import type { CheckPass } from './pass.js';

/**
 * A signal driven by an instance output must have no other driver (another instance output or
 * assignments in this module). Assignments alone never conflict: the last one wins.
 */
export const multipleDriversCheck: CheckPass = {
  name: 'multiple-drivers',
  run(m, report) {
    const byTarget = new Map<SignalIR, Loc[]>();
    for (const c of m.continuous) {
      const list = byTarget.get(c.target) ?? [];
      list.push(c.loc);
      byTarget.set(c.target, list);
    }
    for (const [target, locs] of byTarget) {
      if (locs.length > 1) {
        report('multiple-drivers', `'${target.name}' has multiple drivers: instance outputs connected at ${locs.map(String).join(' and ')}`, locs[1]!);
      }
      if (target.firstAssign) {
        report('multiple-drivers', `'${target.name}' has multiple drivers: an instance output connected at ${locs[0]} and an assignment at ${target.firstAssign}`, target.firstAssign);
      }
    }
  },
};

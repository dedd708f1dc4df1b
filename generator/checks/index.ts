/** The named check passes, runnable together (elaborate does) or one at a time (tests do). */
import type { DiagnosticSink } from '../dsl/errors.js';
import type { ModuleIR } from '../dsl/ir.js';
import type { CheckPass, Report } from './pass.js';
import { clockDomainCheck } from './clock-domain.js';
import { undrivenCheck } from './undriven.js';
import { multipleDriversCheck } from './drivers.js';
import { latchCheck } from './latch.js';
import { combLoopCheck } from './comb-loop.js';
import { fsmCheck } from './fsm.js';
import { shadowedAssignCheck } from './shadowed.js';

export type { CheckPass, Report } from './pass.js';
export { clockDomainCheck, undrivenCheck, multipleDriversCheck, latchCheck, combLoopCheck, fsmCheck, shadowedAssignCheck };
export { definitelyAssigned } from './latch.js';

/** Every pass, in the order elaborate runs them. */
export const defaultChecks: readonly CheckPass[] = [
  clockDomainCheck,
  undrivenCheck,
  multipleDriversCheck,
  latchCheck,
  combLoopCheck,
  fsmCheck,
  shadowedAssignCheck,
];

/** Runs `passes` over `modules` (children first), adding findings to `sink`. */
export function runChecks(modules: readonly ModuleIR[], passes: readonly CheckPass[], sink: DiagnosticSink): void {
  for (const m of modules) {
    // A black box has ports only; its parents treat it as having no combinational paths.
    if (m.blackBox) { m.combPaths = new Map(); continue; }
    const report: Report = (kind, message, loc) => sink.report(kind, message, loc, m.name);
    for (const p of passes) p.run(m, report);
  }
}

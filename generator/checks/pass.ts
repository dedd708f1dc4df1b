import type { DiagnosticKind } from '../dsl/errors.js';
import type { Loc } from '../dsl/location.js';
import type { ModuleIR } from '../dsl/ir.js';

export type Report = (kind: DiagnosticKind, message: string, loc: Loc) => void;

/**
 * A named check over one module's IR. Passes run children-first, so a pass may read facts an
 * earlier run left on child modules (the comb-loop pass reads their input-to-output paths).
 */
export interface CheckPass {
  readonly name: string;
  run(module: ModuleIR, report: Report): void;
}

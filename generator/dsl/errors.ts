import { UserError } from '../../common/user-error.js';
import { Loc, type SourceLocation } from './location.js';

/** Every kind of problem an elaboration can report. */
export type DiagnosticKind =
  | 'width-mismatch'
  | 'signedness-mismatch'
  | 'undriven'
  | 'multiple-drivers'
  | 'comb-loop'
  | 'latch'
  | 'shadowed-assignment'
  | 'no-clock-domain'
  | 'unknown-port'
  | 'missing-connection'
  | 'drive-output'
  | 'drive-input'
  | 'fsm-undefined-state'
  | 'param-width'
  | 'invalid-name'
  | 'duplicate-name'
  | 'invalid-operation'
  | 'foreign-value';

export interface Diagnostic {
  kind: DiagnosticKind;
  message: string;
  location: SourceLocation;
  /** Module (Verilog name) the problem is in, when known. */
  module?: string;
}

/** All errors of one elaboration, thrown together. */
export class ElaborationError extends UserError {
  readonly diagnostics: readonly Diagnostic[];

  constructor(diagnostics: Diagnostic[], topName: string) {
    const lines = diagnostics.map((d) => `  ${formatLocation(d.location)}: ${d.kind}: ${d.message}`);
    const count = diagnostics.length === 1 ? '1 error' : `${diagnostics.length} errors`;
    super(`elaboration of ${topName} failed with ${count}:\n${lines.join('\n')}`);
    this.diagnostics = diagnostics;
  }
}

export function formatLocation(l: SourceLocation): string {
  return l.line > 0 ? `${l.file}:${l.line}` : l.file;
}

/** Collects diagnostics while an elaboration runs. */
export class DiagnosticSink {
  readonly items: Diagnostic[] = [];

  report(kind: DiagnosticKind, message: string, loc: Loc, module?: string): void {
    const d: Diagnostic = { kind, message, location: loc.get() };
    if (module !== undefined) d.module = module;
    this.items.push(d);
  }
}

/**
 * The elaboration currently running. Elaboration is synchronous, so a module-level stack is
 * enough; it lets free functions (mux, cat) and value methods report errors without a handle.
 */
import { DiagnosticSink, ElaborationError, type DiagnosticKind } from './errors.js';
import { Loc } from './location.js';
import type { ModuleIR } from './ir.js';

interface Frame {
  sink: DiagnosticSink;
  module: ModuleIR;
}

const frames: Frame[] = [];

export function pushModuleFrame(sink: DiagnosticSink, module: ModuleIR): void {
  frames.push({ sink, module });
}

export function popModuleFrame(): void {
  frames.pop();
}

export function currentModule(): ModuleIR | undefined {
  return frames[frames.length - 1]?.module;
}

/** Records a user error; outside any elaboration it is thrown at once. */
export function reportError(kind: DiagnosticKind, message: string, loc: Loc = Loc.capture()): void {
  const frame = frames[frames.length - 1];
  if (!frame) {
    const sink = new DiagnosticSink();
    sink.report(kind, message, loc);
    throw new ElaborationError(sink.items, '(no module)');
  }
  frame.sink.report(kind, message, loc, frame.module.name);
}

/**
 * Elaboration: runs the build functions from the top module down (each parameter set once),
 * runs the check passes on every module, and throws one ElaborationError with every problem.
 */
import { ModuleIR, type PortInfo } from './ir.js';
import { DiagnosticSink, ElaborationError } from './errors.js';
import { Loc } from './location.js';
import { popModuleFrame, pushModuleFrame, reportError } from './context.js';
import { ModuleBuilder, type ChildElaborator } from './module.js';
import { shortHash, type ModuleSpec } from './define.js';
import { Signal } from './value.js';
import { defaultChecks, runChecks, type CheckPass } from '../checks/index.js';

/** An elaborated design: the top module and every module it reaches, children before parents. */
export class Design {
  constructor(readonly top: ModuleIR, readonly modules: readonly ModuleIR[]) {}

  module(name: string): ModuleIR {
    const m = this.modules.find((x) => x.name === name);
    if (!m) throw new Error(`design has no module ${name}; modules: ${this.modules.map((x) => x.name).join(', ')}`);
    return m;
  }

  /** Flattened ports of a module (default: the top), in declaration order. */
  ports(moduleName: string = this.top.name): PortInfo[] {
    return this.module(moduleName).portInfo();
  }

  /** Number of IR cells (operations, signals, memories, instances, statements): a size measure. */
  cellCount(): number {
    return this.modules.reduce((sum, m) => sum + countCells(m), 0);
  }
}

export interface ElaborateOptions {
  /** Check passes to run (default: all of them, see generator/checks). */
  checks?: readonly CheckPass[];
}

export function elaborate(spec: ModuleSpec<any>, opts: ElaborateOptions = {}): Design {
  const elab = new Elaboration();
  const top = elab.elaborateChild(spec);
  runChecks(elab.order, opts.checks ?? defaultChecks, elab.sink);
  if (elab.sink.items.length > 0) throw new ElaborationError(elab.sink.items, top.name);
  return new Design(top, elab.order);
}

class Elaboration implements ChildElaborator {
  readonly sink = new DiagnosticSink();
  readonly order: ModuleIR[] = [];
  private readonly byKey = new Map<string, ModuleIR>();
  private readonly byName = new Map<string, { build: unknown; key: string }>();
  private readonly inProgress = new Set<string>();

  elaborateChild(spec: ModuleSpec<any>): ModuleIR {
    const identity = `${spec.baseName}\u0000${spec.key}`;
    const done = this.byKey.get(identity);
    if (done) return done;
    const loc = Loc.capture();
    if (this.inProgress.has(identity)) {
      reportError('invalid-operation', `module ${spec.name} instantiates itself`, loc);
      return new ModuleIR(spec.name, spec.baseName, {}, loc);
    }
    const name = this.uniqueName(spec);
    const params = spec.params && typeof spec.params === 'object' ? (spec.params as Record<string, unknown>) : spec.params === undefined ? {} : { value: spec.params };
    const ir = new ModuleIR(name, spec.baseName, params, loc);
    const builder = new ModuleBuilder(ir, this);
    this.inProgress.add(identity);
    pushModuleFrame(this.sink, ir);
    try {
      const io = spec.build(builder, spec.params);
      // A build function that returns nothing still gives instances its ports, by name.
      ir.io = io ?? Object.fromEntries(ir.ports.map((p) => [p.name, new Signal(p)]));
    } finally {
      popModuleFrame();
      builder.finish();
      this.inProgress.delete(identity);
    }
    this.byKey.set(identity, ir);
    this.order.push(ir);
    return ir;
  }

  /** The spec's name, unless another definition or parameter set already has it. */
  private uniqueName(spec: ModuleSpec<any>): string {
    const claimed = this.byName.get(spec.name);
    if (!claimed) {
      this.byName.set(spec.name, { build: spec.build, key: spec.key });
      return spec.name;
    }
    const alt = `${spec.name}_${shortHash(`${spec.baseName}\u0000${spec.key}`)}`;
    this.byName.set(alt, { build: spec.build, key: spec.key });
    return alt;
  }
}

function countCells(m: ModuleIR): number {
  const seen = new Set<object>();
  let n = m.signals.length + m.memories.length + m.instances.length;
  const visit = (node: { op: string; args: readonly unknown[] }): void => {
    if (seen.has(node)) return;
    seen.add(node);
    if (node.op !== 'ref' && node.op !== 'const' && node.op !== 'enum') n++;
    for (const a of node.args) visit(a as typeof node);
  };
  const walk = (stmts: readonly import('./ir.js').Stmt[]): void => {
    for (const s of stmts) {
      n++;
      if (s.kind === 'assign') visit(s.value);
      else if (s.kind === 'if') { visit(s.cond); walk(s.then); walk(s.else); }
      else { visit(s.subject); for (const c of s.cases) walk(c.body); if (s.default) walk(s.default); }
    }
  };
  walk(m.defaults);
  walk(m.body);
  return n;
}

/**
 * The module builder: what a module definition's build function receives. It declares ports,
 * wires, registers, memories, instances and FSMs, and records assignments under when/switch.
 */
import {
  ModuleIR, SignalIR, type AssignStmt, type DomainIR, type IfStmt, type InstanceIR, type Node, type SignalKind,
  type Stmt, type SwitchCase, type SwitchStmt,
} from './ir.js';
import { Loc } from './location.js';
import { reportError } from './context.js';
import { invalidIdentifier } from './names.js';
import { describeType, isFlipped, type BitsType, type BundleType, type Flipped, type HwType, type ParamRef } from './types.js';
import {
  Signal, Value, coerceForAssign, constNode, describeNode, fits, mk, registerAssigner, toCondition, type ValueLike,
} from './value.js';
import { mask } from './eval.js';
import { Memory, type MemoryOptions } from './memory.js';
import { Fsm } from './fsm.js';
import { resolveCellParams, type BlackBoxSpec } from './blackbox.js';

/** The signals a declaration of type T gives: one Signal, or an object mirroring the bundle. */
export type SignalsOf<T> = T extends BitsType
  ? Signal
  : T extends BundleType<infer F>
    ? { [K in keyof F]: F[K] extends Flipped<infer I> ? SignalsOf<I> : SignalsOf<F[K]> }
    : never;

/** A clock domain: registers created while it is current are clocked (and reset) by it. */
export type ClockDomain = DomainIR;

export interface RegOptions {
  /** Reset value (applied by the domain's synchronous reset, or as the power-up value without one). */
  init?: number | bigint;
  /** The register only loads when this 1-bit value is high. */
  enable?: ValueLike;
  /** Overrides the current clock domain. */
  domain?: ClockDomain;
}

/** What an instance's `io` looks like: the child's returned io, or its ports by name if it returned nothing. */
export type InstanceIO<IO> = [IO] extends [void | undefined] ? Record<string, Signal> : IO;

/** A module instance: `io` mirrors the child's ports (as returned by its build function). */
export interface Instance<IO> {
  readonly name: string;
  readonly module: ModuleIR;
  readonly io: InstanceIO<IO>;
  port(name: string): Signal;
}

export interface InstanceOptions {
  /**
   * Drives child Verilog parameters from this module's parameters (child name -> parameter from
   * m.param, same value): ports of the child bound to them keep the parameter width here, and the
   * instance passes `.CHILD(PARENT)`, so overriding the parent's parameter reaches the child.
   */
  params?: Record<string, ParamRef>;
}

/** Elaborates child modules on behalf of a builder (implemented by the elaboration). */
export interface ChildElaborator {
  elaborateChild(spec: ModuleSpecLike): ModuleIR;
}

export interface ModuleSpecLike {
  readonly name: string;
}

const BUNDLE = Symbol('bundle type');

/** The bundle type an object of signals was declared with (for bulk connect). */
export function bundleTypeOf(obj: unknown): BundleType | undefined {
  return obj && typeof obj === 'object' ? (obj as { [BUNDLE]?: BundleType })[BUNDLE] : undefined;
}

type PathTerm = () => Node;

export class ModuleBuilder {
  private block: Stmt[];
  private terms: PathTerm[] = [];
  private domainStack: DomainIR[] = [];
  private defaultDomain: DomainIR | undefined;
  private readonly names = new Map<string, Loc>();

  constructor(readonly ir: ModuleIR, private readonly elab: ChildElaborator) {
    this.block = ir.body;
    registerAssigner(ir, (t, v, l) => this.assignSignal(t, v, l));
  }

  /** The module's Verilog name (includes its parameter values). */
  get name(): string { return this.ir.name; }

  // ---- declarations ----

  input<T extends HwType>(name: string, type: T): SignalsOf<T> {
    return this.declare('input', name, type, Loc.capture()) as SignalsOf<T>;
  }

  output<T extends HwType>(name: string, type: T): SignalsOf<T> {
    return this.declare('output', name, type, Loc.capture()) as SignalsOf<T>;
  }

  /** A combinational signal; `default` is assigned before everything else in the module. */
  wire<T extends HwType>(name: string, type: T, opts: { default?: ValueLike } = {}): SignalsOf<T> {
    const loc = Loc.capture();
    const s = this.declare('wire', name, type, loc);
    if (opts.default !== undefined) {
      if (!(s instanceof Signal)) reportError('invalid-operation', `wire '${name}': a default needs a bit-vector type`, loc);
      else this.addDefault(s.ir, opts.default, loc);
    }
    return s as SignalsOf<T>;
  }

  /** Gives an existing wire or output a default value (assigned before the module body). */
  setDefault(target: Signal, value: ValueLike): void {
    this.addDefault(target.ir, value, Loc.capture());
  }

  /** A register in the current clock domain. */
  reg(name: string, type: BitsType, opts: RegOptions = {}): Signal {
    const loc = Loc.capture();
    const sig = this.newSignal(name, 'reg', type, loc);
    sig.domain = opts.domain ?? this.domainStack[this.domainStack.length - 1] ?? this.defaultDomain;
    if (opts.init !== undefined) {
      const v = BigInt(opts.init);
      if (type.param && v !== 0n) reportError('param-width', `register '${name}': only 0 can initialise a width bound to parameter ${type.param.name}`, loc);
      else if (!fits(v, type.width, type.signed)) reportError('width-mismatch', `register '${name}': reset value ${v} does not fit ${describeType(type)}`, loc);
      else sig.init = v & mask(type.width);
    }
    if (opts.enable !== undefined) sig.enable = toCondition(opts.enable, `enable of register '${name}'`);
    return new Signal(sig);
  }

  /**
   * A Verilog `parameter` with a default value. Use it as a width (UInt(p)) of ports, wires,
   * registers or memories that only store or pass data; width-changing operations on such values
   * are elaboration errors, so a Verilog user may override the parameter safely.
   */
  param(name: string, value: number): ParamRef {
    const loc = Loc.capture();
    this.claimName(name, loc);
    if (!Number.isInteger(value) || value < 1) reportError('invalid-operation', `parameter ${name} must be a positive integer, got ${value}`, loc);
    this.ir.verilogParams.push({ name, value });
    return { name, value, owner: this.ir };
  }

  // ---- clock domains ----

  /** A clock domain on `clock` with an optional synchronous active-high reset. */
  clockDomain(clock: Value, opts: { reset?: ValueLike } = {}): ClockDomain {
    const loc = Loc.capture();
    let clk = clock.node.signal;
    if (clock.node.op !== 'ref' || !clk || clock.width !== 1) {
      reportError('invalid-operation', `a clock must be a 1-bit port or wire, got ${describeNode(clock.node)}`, loc);
      clk = this.ir.ports[0] ?? new SignalIR('clk', 'input', 1, false, undefined, loc, this.ir);
    }
    const domain: DomainIR = { name: clk.name, clock: clk, reset: opts.reset === undefined ? undefined : toCondition(opts.reset, 'reset'), loc };
    this.ir.domains.push(domain);
    return domain;
  }

  /** Runs `fn` with `domain` as the current clock domain. */
  withDomain<T>(domain: ClockDomain, fn: () => T): T {
    this.domainStack.push(domain);
    try {
      return fn();
    } finally {
      this.domainStack.pop();
    }
  }

  /** Makes `domain` current for the rest of the module. */
  setDefaultDomain(domain: ClockDomain): void {
    this.defaultDomain = domain;
  }

  /** Declares `clk` and `rst` inputs and makes their domain the module default. */
  clockAndReset(names: { clock?: string; reset?: string } = {}): { clk: Signal; rst: Signal; domain: ClockDomain } {
    const clk = this.input(names.clock ?? 'clk', { kind: 'bits', width: 1, signed: false });
    const rst = this.input(names.reset ?? 'rst', { kind: 'bits', width: 1, signed: false });
    const domain = this.clockDomain(clk, { reset: rst });
    this.setDefaultDomain(domain);
    return { clk, rst, domain };
  }

  /** The clock domain registers created now would use. */
  currentDomain(): ClockDomain | undefined {
    return this.domainStack[this.domainStack.length - 1] ?? this.defaultDomain;
  }

  // ---- control ----

  /** Assignments made inside `fn` only take effect when `cond` is high. */
  when(cond: ValueLike, fn: () => void): WhenChain {
    const loc = Loc.capture();
    const c = toCondition(cond, 'when condition');
    const stmt: IfStmt = { kind: 'if', cond: c, then: [], else: [], loc };
    const parent = this.block;
    parent.push(stmt);
    this.inBlock(stmt.then, () => c, fn);
    return new WhenChain(this, parent, stmt, stmt, [c]);
  }

  /** A multi-way branch on `subject`: `s.is(value, fn)` cases and an optional `s.default(fn)`. */
  switch(subject: Value, fn: (s: SwitchBuilder) => void): void {
    const stmt: SwitchStmt = { kind: 'switch', subject: subject.node, cases: [], default: null, loc: Loc.capture() };
    this.block.push(stmt);
    fn(new SwitchBuilder(this, stmt, this.block));
  }

  /** Drives `target` from `value` (same as target.set(value)). */
  assign(target: Signal, value: ValueLike): void {
    this.assignSignal(target.ir, value, Loc.capture());
  }

  /**
   * Bulk connect of two signals or bundles of the same shape: forward fields flow from `source`
   * to `sink`, flipped fields (like a stream's ready) from `sink` to `source`.
   */
  connect<T>(sink: T, source: T): void {
    this.connectAt(sink, source, Loc.capture(), false);
  }

  // ---- structure ----

  memory(name: string, opts: MemoryOptions): Memory {
    const loc = Loc.capture();
    this.claimName(name, loc);
    return new Memory(this, name, opts, loc);
  }

  /** A finite-state machine over the given states (the first is the reset state unless `initial` says otherwise). */
  fsm<const S extends string>(name: string, states: readonly S[], opts: { initial?: NoInfer<S> } = {}): Fsm<S> {
    return new Fsm<S>(this, name, states, opts.initial ?? states[0]!, Loc.capture());
  }

  /**
   * Instantiates another module. `connections` may connect ports by name: inputs from values,
   * outputs onto wires or output ports of this module. Unconnected inputs are errors.
   */
  instance<IO>(
    name: string,
    spec: ModuleSpecLike & { readonly __io?: IO },
    connections: Record<string, ValueLike> = {},
    opts: InstanceOptions = {},
  ): Instance<IO> {
    const loc = Loc.capture();
    this.claimName(name, loc);
    const child = this.elab.elaborateChild(spec);
    const inst: InstanceIR = { name, module: child, ports: new Map(), paramBindings: new Map(), loc };
    if (child.blackBox) inst.cellParams = resolveCellParams(child.blackBox, (spec as Partial<BlackBoxSpec<IO>>).cellParams ?? {}, name, loc);
    const bound = this.bindParams(inst, opts.params ?? {}, loc);
    const bySignal = new Map<SignalIR, Signal>();
    for (const p of child.ports) {
      const type = { width: p.width, signed: p.signed, param: p.param ? bound.get(p.param.name) : undefined };
      const sig = this.newSignal(`${name}_${p.name}`, p.kind === 'input' ? 'inst-in' : 'inst-out', type, loc);
      sig.instance = inst;
      sig.port = p.name;
      inst.ports.set(p.name, sig);
      bySignal.set(p, new Signal(sig));
    }
    this.ir.instances.push(inst);
    const portSignal = (port: string): Signal => {
      const sig = inst.ports.get(port);
      if (sig) return bySignal.get(child.ports.find((p) => p.name === port)!)!;
      reportError('unknown-port', `instance ${name} of ${child.name} has no port '${port}'; its ports are: ${child.ports.map((p) => p.name).join(', ')}`);
      return new Signal(this.newSignal(`${name}_${port}_unknown`, 'wire', { width: 1, signed: false }, loc));
    };
    for (const [port, value] of Object.entries(connections)) {
      const sig = inst.ports.get(port);
      if (!sig) {
        reportError('unknown-port', `instance ${name} of ${child.name} has no port '${port}'; its ports are: ${child.ports.map((p) => p.name).join(', ')}`, loc);
        continue;
      }
      if (sig.kind === 'inst-in') this.assignSignal(sig, value, loc);
      else this.driveFromOutput(sig, value, loc);
    }
    // Black box inputs declared with a tie take it when left unconnected.
    for (const [port, tie] of child.blackBox?.ties ?? []) {
      if (!(port in connections)) this.addDefault(inst.ports.get(port)!, tie, loc);
    }
    return { name, module: child, io: mirror(child.io, bySignal) as InstanceIO<IO>, port: portSignal };
  }

  /** Child parameters driven by this module's parameters: ports bound to them keep the parameter width. */
  private bindParams(inst: InstanceIR, params: Record<string, ParamRef>, loc: Loc): Map<string, ParamRef> {
    const bound = new Map<string, ParamRef>();
    for (const [childName, parent] of Object.entries(params)) {
      const own = inst.module.verilogParams.find((p) => p.name === childName);
      if (!own) {
        reportError('unknown-port', `instance ${inst.name} of ${inst.module.name} has no parameter ${childName}; its parameters are: ${inst.module.verilogParams.map((p) => p.name).join(', ') || 'none'}`, loc);
      } else if (parent.owner !== this.ir) {
        reportError('param-width', `parameter ${parent.name} bound to ${inst.name}.${childName} belongs to another module`, loc);
      } else if (parent.value !== own.value) {
        reportError('param-width', `instance ${inst.name}: ${childName} is ${own.value} in ${inst.module.name} but the bound parameter ${parent.name} is ${parent.value}`, loc);
      } else {
        bound.set(childName, parent);
        inst.paramBindings.set(childName, parent.name);
      }
    }
    return bound;
  }

  // ---- internals used by Memory, Fsm, WhenChain, SwitchBuilder ----

  /** @internal */
  newSignal(name: string, kind: SignalKind, type: { width: number; signed: boolean; param?: ParamRef | undefined }, loc: Loc): SignalIR {
    this.claimName(name, loc);
    if (type.param && type.param.owner !== this.ir) {
      reportError('param-width', `'${name}' uses parameter ${type.param.name} of another module`, loc);
    }
    const sig = new SignalIR(name, kind, type.width, type.signed, type.param, loc, this.ir);
    this.ir.signals.push(sig);
    if (kind === 'input' || kind === 'output') this.ir.ports.push(sig);
    return sig;
  }

  /** @internal */
  claimName(name: string, loc: Loc): void {
    const bad = invalidIdentifier(name);
    if (bad) reportError('invalid-name', bad, loc);
    const prev = this.names.get(name);
    if (prev) reportError('duplicate-name', `'${name}' is already declared in module ${this.ir.name} at ${prev}`, loc);
    else this.names.set(name, loc);
  }

  /** @internal */
  inBlock(block: Stmt[], term: PathTerm | undefined, fn: () => void): void {
    const saved = this.block;
    const savedTerms = this.terms;
    this.block = block;
    if (term) this.terms = [...savedTerms, term];
    try {
      fn();
    } finally {
      this.block = saved;
      this.terms = savedTerms;
    }
  }

  /** @internal the statement list assignments currently go to. */
  currentBlock(): Stmt[] {
    return this.block;
  }

  /** @internal AND of the enclosing when/switch conditions (undefined at the top level). */
  pathCondition(): Node | undefined {
    let acc: Node | undefined;
    for (const t of this.terms) {
      const c = t();
      acc = acc ? mk('and', 1, false, [acc, c]) : c;
    }
    return acc;
  }

  /** @internal */
  assignSignal(target: SignalIR, value: ValueLike, loc: Loc): void {
    if (target.module !== this.ir) {
      reportError('foreign-value', `'${target.name}' belongs to module ${target.module.name}, not ${this.ir.name}`, loc);
      return;
    }
    if (target.kind === 'input') {
      reportError('drive-input', `cannot drive input port '${target.name}' of module ${this.ir.name}: inputs are driven by the parent`, loc);
      return;
    }
    if (target.kind === 'inst-out') {
      reportError('drive-output', `cannot drive output port '${target.port}' of instance ${target.instance!.name} (${target.instance!.module.name}): the instance drives it`, loc);
      return;
    }
    if (target.kind === 'mem-read') {
      reportError('drive-output', `cannot drive '${target.name}', the read data of a memory`, loc);
      return;
    }
    const node = coerceForAssign(target, value, loc);
    if (!node) return;
    const stmt: AssignStmt = { kind: 'assign', target, value: node, loc };
    this.block.push(stmt);
    target.assignCount++;
    target.firstAssign ??= loc;
  }

  private addDefault(target: SignalIR, value: ValueLike, loc: Loc): void {
    if (target.kind !== 'wire' && target.kind !== 'output' && target.kind !== 'inst-in') {
      reportError('invalid-operation', `only wires, outputs and instance inputs take defaults, not '${target.name}' (${target.kind})`, loc);
      return;
    }
    const node = coerceForAssign(target, value, loc);
    if (!node) return;
    this.ir.defaults.push({ kind: 'assign', target, value: node, loc });
    target.assignCount++;
    target.firstAssign ??= loc;
  }

  private driveFromOutput(source: SignalIR, target: ValueLike, loc: Loc): void {
    const inst = source.instance!;
    if (!(target instanceof Signal) || (target.ir.kind !== 'wire' && target.ir.kind !== 'output' && target.ir.kind !== 'inst-in')) {
      const what = target instanceof Value ? describeNode(target.node) : `the constant ${String(target)}`;
      reportError('drive-output', `port '${source.port}' of instance ${inst.name} (${inst.module.name}) is an output: connect it to a wire or an output port of ${this.ir.name}, not to ${what}`, loc);
      return;
    }
    if (target.ir.module !== this.ir) {
      reportError('foreign-value', `'${target.ir.name}' belongs to module ${target.ir.module.name}`, loc);
      return;
    }
    if (!coerceForAssign(target.ir, new Signal(source), loc)) return;
    if (target.width !== source.width) {
      reportError('width-mismatch', `output '${source.port}' of instance ${inst.name} (${describeType(source)}) connects to '${target.name}' (${describeType(target.ir)}): widths must be equal`, loc);
      return;
    }
    this.ir.continuous.push({ target: target.ir, source, loc });
  }

  private connectAt(sink: unknown, source: unknown, loc: Loc, flipped: boolean): void {
    if (sink instanceof Signal && source instanceof Value) {
      if (flipped) {
        if (source instanceof Signal) this.assignSignal(source.ir, sink, loc);
        else reportError('invalid-operation', `connect: flipped field needs a signal on the source side, got ${describeNode(source.node)}`, loc);
      } else this.assignSignal(sink.ir, source, loc);
      return;
    }
    const type = bundleTypeOf(sink) ?? bundleTypeOf(source);
    if (!type || typeof sink !== 'object' || typeof source !== 'object' || !sink || !source) {
      reportError('invalid-operation', 'connect: both sides must be signals or bundles of the same shape', loc);
      return;
    }
    for (const [field, spec] of Object.entries(type.fields)) {
      const a = (sink as Record<string, unknown>)[field];
      const b = (source as Record<string, unknown>)[field];
      if (a === undefined || b === undefined) {
        reportError('invalid-operation', `connect: field '${field}' is missing on the ${a === undefined ? 'sink' : 'source'} side`, loc);
        continue;
      }
      this.connectAt(a, b, loc, flipped !== isFlipped(spec as HwType | Flipped));
    }
  }

  private declare(kind: SignalKind, name: string, type: HwType, loc: Loc): unknown {
    if (type.kind === 'bits') return new Signal(this.newSignal(name, kind, type, loc));
    const obj: Record<string, unknown> = {};
    for (const [field, spec] of Object.entries(type.fields as Record<string, HwType | Flipped>)) {
      const inner = isFlipped(spec) ? spec.inner : spec;
      const k = isFlipped(spec) ? flipKind(kind) : kind;
      obj[field] = this.declare(k, `${name}_${field}`, inner, loc);
    }
    Object.defineProperty(obj, BUNDLE, { value: type, enumerable: false });
    return obj;
  }

  /** @internal called when the build function returns. */
  finish(): void {
    registerAssigner(this.ir, undefined);
  }
}

function flipKind(kind: SignalKind): SignalKind {
  return kind === 'input' ? 'output' : kind === 'output' ? 'input' : kind;
}

/** Rebuilds the child's io object with the parent-side signals of an instance. */
function mirror(io: unknown, bySignal: Map<SignalIR, Signal>): unknown {
  if (io instanceof Signal) return bySignal.get(io.ir) ?? io;
  if (Array.isArray(io)) return io.map((x) => mirror(x, bySignal));
  if (io && typeof io === 'object' && Object.getPrototypeOf(io) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(io)) out[k] = mirror(v, bySignal);
    const t = bundleTypeOf(io);
    if (t) Object.defineProperty(out, BUNDLE, { value: t, enumerable: false });
    return out;
  }
  return io;
}

/** Continues a `when` with further branches; must directly follow it. */
export class WhenChain {
  constructor(
    private readonly b: ModuleBuilder,
    private readonly parent: Stmt[],
    private readonly root: IfStmt,
    private tail: IfStmt,
    private readonly conds: Node[],
  ) {}

  elseWhen(cond: ValueLike, fn: () => void): WhenChain {
    const loc = Loc.capture();
    if (!this.stillLast(loc, 'elseWhen')) return this;
    const c = toCondition(cond, 'elseWhen condition');
    const stmt: IfStmt = { kind: 'if', cond: c, then: [], else: [], loc };
    this.tail.else.push(stmt);
    const previous = [...this.conds];
    this.b.inBlock(stmt.then, () => andNot(previous, c), fn);
    this.tail = stmt;
    this.conds.push(c);
    return this;
  }

  otherwise(fn: () => void): void {
    if (!this.stillLast(Loc.capture(), 'otherwise')) return;
    const previous = [...this.conds];
    this.b.inBlock(this.tail.else, () => andNot(previous, undefined), fn);
  }

  private stillLast(loc: Loc, what: string): boolean {
    if (this.parent[this.parent.length - 1] === this.root && this.b.currentBlock() === this.parent) return true;
    reportError('invalid-operation', `${what} must directly follow its when (other statements came in between)`, loc);
    return false;
  }
}

function andNot(negated: Node[], positive: Node | undefined): Node {
  let acc: Node | undefined = positive;
  for (const n of negated) {
    const inv = mk('not', 1, false, [n]);
    acc = acc ? mk('and', 1, false, [acc, inv]) : inv;
  }
  return acc!;
}

/** Builds the cases of a switch. */
export class SwitchBuilder {
  private readonly seen = new Map<bigint, Loc>();

  constructor(private readonly b: ModuleBuilder, private readonly stmt: SwitchStmt, private readonly parent: Stmt[]) {}

  /** A case for one value or a list of values (numbers, bigints or constant values). */
  is(values: ValueLike | readonly ValueLike[], fn: () => void): this {
    const loc = Loc.capture();
    const list = Array.isArray(values) ? values : [values as ValueLike];
    const subject = this.stmt.subject;
    const c: SwitchCase = { values: [], labels: [], body: [], loc };
    for (const v of list) {
      const k = this.caseValue(v, loc);
      if (k === undefined) continue;
      const prev = this.seen.get(k.bits);
      if (prev) {
        reportError('invalid-operation', `switch on ${describeNode(subject)}: value ${k.bits} already has a case at ${prev}`, loc);
        continue;
      }
      this.seen.set(k.bits, loc);
      c.values.push(k.bits);
      c.labels.push(k.label);
    }
    this.stmt.cases.push(c);
    const term = (): Node => {
      let acc: Node | undefined;
      for (const v of c.values) {
        const e = mk('eq', 1, false, [subject, constNode(v, subject.width, subject.signed)], [0]);
        acc = acc ? mk('or', 1, false, [acc, e]) : e;
      }
      return acc ?? constNode(0n, 1, false);
    };
    this.b.inBlock(c.body, term, fn);
    return this;
  }

  /** The branch taken when no case matches (declare it after the cases). */
  default(fn: () => void): void {
    const loc = Loc.capture();
    if (this.stmt.default) {
      reportError('invalid-operation', 'switch has two default branches', loc);
      return;
    }
    this.stmt.default = [];
    const subject = this.stmt.subject;
    const values = () => this.stmt.cases.flatMap((c) => c.values);
    const term = (): Node => {
      let acc: Node | undefined;
      for (const v of values()) {
        const e = mk('ne', 1, false, [subject, constNode(v, subject.width, subject.signed)], [0]);
        acc = acc ? mk('and', 1, false, [acc, e]) : e;
      }
      return acc ?? constNode(1n, 1, false);
    };
    void this.parent;
    this.b.inBlock(this.stmt.default, term, fn);
  }

  private caseValue(v: ValueLike, loc: Loc): { bits: bigint; label: string | undefined } | undefined {
    const subject = this.stmt.subject;
    if (v instanceof Value) {
      const n = v.node;
      if ((n.op !== 'const' && n.op !== 'enum') || n.width > subject.width) {
        reportError('invalid-operation', `switch case values must be constants no wider than the ${subject.width}-bit subject; got ${describeNode(n)}`, loc);
        return undefined;
      }
      return { bits: n.value, label: n.label };
    }
    const b = BigInt(v);
    if (!fits(b, subject.width, subject.signed)) {
      reportError('width-mismatch', `switch case value ${b} does not fit the subject ${describeNode(subject)} (${describeType(subject)})`, loc);
      return undefined;
    }
    return { bits: b & mask(subject.width), label: undefined };
  }
}

/**
 * The intermediate representation the front end records and the checks and emitter read.
 * Expressions are immutable DAG nodes whose widths were fixed when they were built; statements
 * form a tree of assignments under if/switch; signals, memories and instances belong to a module.
 */
import type { Loc } from './location.js';
import type { ParamRef } from './types.js';
import type { BlackBoxInfo, VerilogValue } from './blackbox.js';

export type Op =
  | 'const' // value (raw bit pattern)
  | 'enum' // a named constant (FSM state): value + label
  | 'ref' // a signal
  | 'add' | 'sub' | 'mul' | 'neg'
  | 'and' | 'or' | 'xor' | 'not'
  | 'shlc' | 'shrc' | 'srac' // shift by constant imm[0]
  | 'dshl' | 'dshr' | 'dsra' // shift by signal args[1]
  | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' // imm[0] = 1 for a signed comparison
  | 'redand' | 'redor' | 'redxor'
  | 'mux' // args: sel, whenTrue, whenFalse
  | 'concat' // args msb first
  | 'slice' // imm: hi, lo
  | 'zext' | 'sext' // to node width
  | 'repl' // imm[0] copies
  | 'cast'; // reinterpretation (signedness), same bits

export class Node {
  /** Structural hash, computed on demand by the emitter. */
  hash = 0;
  constructor(
    readonly op: Op,
    readonly width: number,
    readonly signed: boolean,
    readonly args: readonly Node[],
    readonly imm: readonly number[] = NO_IMM,
    readonly value: bigint = 0n,
    readonly signal: SignalIR | null = null,
    readonly param: ParamRef | undefined = undefined,
    readonly label: string | undefined = undefined,
  ) {}
  /** A user-given name (Value.named): the emitter gives this node its own wire. */
  userName: string | undefined;
}

const NO_IMM: readonly number[] = [];

export type SignalKind = 'input' | 'output' | 'wire' | 'reg' | 'inst-in' | 'inst-out' | 'mem-read';

export class SignalIR {
  readonly ref: Node;
  /** Register state. */
  domain: DomainIR | undefined;
  init: bigint | undefined;
  enable: Node | undefined;
  /** Instance port signals. */
  instance: InstanceIR | undefined;
  port: string | undefined;
  /** Number of assignments recorded, and where the first one is. */
  assignCount = 0;
  firstAssign: Loc | undefined;

  constructor(
    readonly name: string,
    readonly kind: SignalKind,
    readonly width: number,
    readonly signed: boolean,
    readonly param: ParamRef | undefined,
    readonly loc: Loc,
    readonly module: ModuleIR,
  ) {
    this.ref = new Node('ref', width, signed, [], undefined, 0n, this, param);
  }
}

export interface AssignStmt {
  kind: 'assign';
  target: SignalIR;
  value: Node;
  loc: Loc;
}

export interface IfStmt {
  kind: 'if';
  cond: Node;
  then: Stmt[];
  else: Stmt[];
  loc: Loc;
}

export interface SwitchCase {
  values: bigint[];
  /** Localparam names for the values, when they are FSM states. */
  labels: (string | undefined)[];
  body: Stmt[];
  loc: Loc;
}

export interface SwitchStmt {
  kind: 'switch';
  subject: Node;
  cases: SwitchCase[];
  default: Stmt[] | null;
  loc: Loc;
}

export type Stmt = AssignStmt | IfStmt | SwitchStmt;

export interface DomainIR {
  name: string;
  clock: SignalIR;
  /** Synchronous, active-high reset (already a 1-bit expression). */
  reset: Node | undefined;
  loc: Loc;
}

export interface MemReadPort {
  addr: Node;
  enable: Node | undefined;
  data: SignalIR;
  domain: DomainIR | undefined;
  loc: Loc;
}

export interface MemWritePort {
  addr: Node;
  data: Node;
  enable: Node | undefined;
  domain: DomainIR | undefined;
  loc: Loc;
}

/**
 * The one port of a single-port memory: one address per cycle; a write cycle stores and leaves
 * the read data unchanged, otherwise (with readEnable) the read data loads the addressed word.
 */
export interface MemSinglePort {
  addr: Node;
  /** Word written (with writeEnable) or undefined for a read-only port. */
  writeData: Node | undefined;
  /** Write enable, ANDed with the enclosing when conditions. */
  writeEnable: Node | undefined;
  /** Read enable, ANDed with the enclosing when conditions (undefined: read on every non-write cycle). */
  readEnable: Node | undefined;
  data: SignalIR;
  domain: DomainIR | undefined;
  loc: Loc;
}

/** The synthesis hint emitted as `(* ram_style = "..." *)`: 'huge' asks yosys for iCE40 SPRAM. */
export type MemoryStyle = 'block' | 'huge';

export interface MemoryIR {
  name: string;
  width: number;
  signed: boolean;
  widthParam: ParamRef | undefined;
  depth: number;
  addrWidth: number;
  addrParam: ParamRef | undefined;
  init: string | undefined;
  style: MemoryStyle | undefined;
  readPorts: MemReadPort[];
  writePorts: MemWritePort[];
  /** Set by Memory.singlePort; such a memory has no other ports. */
  singlePort: MemSinglePort | undefined;
  loc: Loc;
}

export interface InstanceIR {
  name: string;
  module: ModuleIR;
  /** Parent-side signals standing for the child's ports, by port name, in the child's port order. */
  ports: Map<string, SignalIR>;
  /** Child Verilog parameters driven by a parameter of the parent (child name -> parent name). */
  paramBindings: Map<string, string>;
  /** A black box instance's parameter values, in the cell's declared order. */
  cellParams?: { name: string; value: VerilogValue }[];
  loc: Loc;
}

/** A continuous connection from an instance output onto a parent signal. */
export interface ContinuousDriver {
  target: SignalIR;
  source: SignalIR;
  loc: Loc;
}

export interface FsmIR {
  name: string;
  state: SignalIR;
  states: string[];
  defined: Map<string, Loc>;
  targets: { state: string; loc: Loc }[];
  loc: Loc;
}

export interface EnumConstIR {
  name: string;
  width: number;
  value: bigint;
}

export interface VerilogParamIR {
  name: string;
  value: number;
}

export interface PortInfo {
  name: string;
  direction: 'input' | 'output';
  width: number;
  signed: boolean;
  /** The Verilog parameter the width is bound to, if any. */
  param?: string;
}

export class ModuleIR {
  readonly ports: SignalIR[] = [];
  readonly signals: SignalIR[] = [];
  /** Wire defaults, evaluated before the body. */
  readonly defaults: AssignStmt[] = [];
  readonly body: Stmt[] = [];
  readonly continuous: ContinuousDriver[] = [];
  readonly domains: DomainIR[] = [];
  readonly memories: MemoryIR[] = [];
  readonly instances: InstanceIR[] = [];
  readonly fsms: FsmIR[] = [];
  readonly enums: EnumConstIR[] = [];
  readonly verilogParams: VerilogParamIR[] = [];
  /** For each output port, the input ports it depends on combinationally (filled by the comb-loop check). */
  combPaths: Map<string, Set<string>> | undefined;
  /** What the module's build function returned (its typed ports), for instances to mirror. */
  io: unknown;
  /** Set for a cell the DSL does not define: no body, no file; instances print its parameters. */
  blackBox: BlackBoxInfo | undefined = undefined;

  constructor(
    readonly name: string,
    readonly baseName: string,
    readonly params: Readonly<Record<string, unknown>>,
    readonly loc: Loc,
  ) {}

  portInfo(): PortInfo[] {
    return this.ports.map((p) => {
      const info: PortInfo = { name: p.name, direction: p.kind === 'input' ? 'input' : 'output', width: p.width, signed: p.signed };
      if (p.param) info.param = p.param.name;
      return info;
    });
  }
}

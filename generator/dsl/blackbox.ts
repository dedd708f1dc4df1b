/**
 * Black boxes: cells the DSL does not define (iCE40 SB_PLL40_PAD, SB_SPRAM256KA, SB_MAC16, ...).
 * Their ports and Verilog parameters are declared once; instances are width-checked like any
 * other, emitted with `#(.P(v))`, and no module file is written for them. A black box may carry
 * a behavioural model that simulation builds add (emitVerilog's `simModels`); synthesis sees the
 * real cell.
 */
import { readFileSync } from 'node:fs';
import { UserError } from '../../common/user-error.js';
import { Loc } from './location.js';
import { reportError } from './context.js';
import type { ModuleSpec } from './define.js';
import type { ModuleBuilder } from './module.js';
import type { Signal } from './value.js';

/** A Verilog bit pattern parameter value such as 4'b0000. */
export interface VerilogBits {
  readonly kind: 'verilog-bits';
  readonly width: number;
  readonly value: bigint;
}

/** A parameter value: a string ("SIMPLE"), an integer (42) or a bit pattern (vbits(4, 0) = 4'b0000). */
export type VerilogValue = string | number | VerilogBits;

/** The bit pattern `value` as a `width`-bit binary literal parameter (vbits(3, 1) prints 3'b001). */
export function vbits(width: number, value: number | bigint): VerilogBits {
  const v = BigInt(value);
  if (!Number.isInteger(width) || width < 1 || v < 0n || v >= 1n << BigInt(width)) {
    throw new UserError(`vbits(${width}, ${v}): the value must be a non-negative integer that fits ${width} bits`);
  }
  return { kind: 'verilog-bits', width, value: v };
}

/** One port of a black box: 'input' / 'output' for one bit, or the direction with a width. */
export type BlackBoxPort =
  | 'input' | 'output'
  | { dir: 'input'; width?: number; /** Tied to this constant when an instance leaves it unconnected. */ tie?: number }
  | { dir: 'output'; width?: number };

/** How a simulation model is given: Verilog text, or a file read when the design is emitted. */
export type SimModel = { verilog: string } | { file: string };

export interface BlackBoxDecl<P extends string> {
  ports: Record<string, BlackBoxPort>;
  /** Every parameter the instances may set, with the value used when they do not. */
  params?: Record<P, VerilogValue>;
  /** Behavioural model for Verilator/Icarus builds (must define `module <cell>`). */
  model?: SimModel;
}

/** What the IR records about a black box module (ModuleIR.blackBox). */
export interface BlackBoxInfo {
  cell: string;
  params: Record<string, VerilogValue>;
  /** Inputs tied to a constant when an instance leaves them unconnected. */
  ties: ReadonlyMap<string, number>;
  model: SimModel | undefined;
}

/** A black box instance's spec: the shared cell plus this instance's parameter values. */
export interface BlackBoxSpec<IO> extends ModuleSpec<IO> {
  readonly cellParams: Readonly<Record<string, VerilogValue>>;
}

export type BlackBoxDef<Ports extends string, P extends string> = ((params?: Partial<Record<P, VerilogValue>>) => BlackBoxSpec<Record<Ports, Signal>>) & {
  readonly cell: string;
};

/**
 * Declares a cell by name. `SB_X(params)` gives a spec for m.instance(): every instance shares the
 * one cell (no parameter-named copies); its parameters are printed on the instance.
 */
export function defineBlackBox<Ports extends string, P extends string = never>(
  cell: string, decl: { ports: Record<Ports, BlackBoxPort>; params?: Record<P, VerilogValue>; model?: SimModel },
): BlackBoxDef<Ports, P> {
  const defaults = (decl.params ?? {}) as Record<string, VerilogValue>;
  for (const [name, v] of Object.entries(defaults)) checkValue(cell, name, v);
  const ties = new Map<string, number>();
  for (const [name, port] of Object.entries(decl.ports) as [string, BlackBoxPort][]) {
    if (typeof port === 'object' && port.dir === 'input' && port.tie !== undefined) ties.set(name, port.tie);
  }
  const info: BlackBoxInfo = { cell, params: defaults, ties, model: decl.model };
  const build = (m: ModuleBuilder): Record<Ports, Signal> => {
    m.ir.blackBox = info;
    const io: Record<string, Signal> = {};
    for (const [name, port] of Object.entries(decl.ports) as [string, BlackBoxPort][]) {
      const dir = typeof port === 'string' ? port : port.dir;
      const width = typeof port === 'string' ? 1 : port.width ?? 1;
      const type = { kind: 'bits' as const, width, signed: false };
      io[name] = dir === 'input' ? m.input(name, type) : m.output(name, type);
    }
    return io as Record<Ports, Signal>;
  };
  const def = (params: Partial<Record<P, VerilogValue>> = {}): BlackBoxSpec<Record<Ports, Signal>> => ({
    name: cell, key: '', baseName: cell, params: undefined, build, cellParams: params as Record<string, VerilogValue>,
  });
  Object.defineProperty(def, 'cell', { value: cell });
  return def as BlackBoxDef<Ports, P>;
}

/**
 * An instance's parameter list in the cell's declared order: each declared parameter with the
 * instance's value or the default. Unknown names and values of the wrong kind are reported.
 */
export function resolveCellParams(info: BlackBoxInfo, given: Readonly<Record<string, VerilogValue>>, instance: string, loc: Loc): { name: string; value: VerilogValue }[] {
  for (const [name, v] of Object.entries(given)) {
    const declared = info.params[name];
    if (declared === undefined) {
      reportError('unknown-port', `instance ${instance} of ${info.cell} has no parameter ${name}; its parameters are: ${Object.keys(info.params).join(', ') || 'none'}`, loc);
      continue;
    }
    const problem = valueProblem(v) ?? kindProblem(declared, v);
    if (problem) reportError('invalid-operation', `instance ${instance} of ${info.cell}: parameter ${name} ${problem}`, loc);
  }
  return Object.entries(info.params).map(([name, d]) => ({ name, value: given[name] !== undefined && !kindProblem(d, given[name]!) ? given[name]! : d }));
}

/** The value as Verilog text: "SIMPLE", 42, 4'b0000. */
export function verilogValueText(v: VerilogValue): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return String(v);
  return `${v.width}'b${v.value.toString(2).padStart(v.width, '0')}`;
}

/** The model's Verilog text (read from its file if it names one); throws a UserError naming the cell and file. */
export function simModelText(info: BlackBoxInfo): string | undefined {
  const model = info.model;
  if (!model) return undefined;
  let text: string;
  if ('file' in model) {
    try {
      text = readFileSync(model.file, 'utf8');
    } catch (e) {
      throw new UserError(`simulation model of ${info.cell}: cannot read ${model.file}: ${(e as Error).message}`);
    }
  } else text = model.verilog;
  if (!new RegExp(`\\bmodule\\s+${info.cell}\\b`).test(text)) {
    throw new UserError(`simulation model of ${info.cell}${'file' in model ? ` (${model.file})` : ''}: expected a definition 'module ${info.cell}', found none`);
  }
  return text;
}

function checkValue(cell: string, name: string, v: VerilogValue): void {
  const problem = valueProblem(v);
  if (problem) throw new UserError(`black box ${cell}: parameter ${name} ${problem}`);
}

function valueProblem(v: VerilogValue): string | undefined {
  if (typeof v === 'number' && !Number.isSafeInteger(v)) return `must be an integer, got ${v}`;
  if (typeof v === 'string' && /["\\\n]/.test(v)) return `must be a plain string (no quotes, backslashes or newlines), got ${JSON.stringify(v)}`;
  if (typeof v === 'object' && v?.kind !== 'verilog-bits') return 'must be a string, an integer or vbits(width, value)';
  return undefined;
}

function kindProblem(declared: VerilogValue, v: VerilogValue): string | undefined {
  const kind = (x: VerilogValue): string => (typeof x === 'object' ? `a ${x.width}-bit pattern` : typeof x === 'number' ? 'an integer' : 'a string');
  if (kind(declared) !== kind(v)) return `must be ${kind(declared)} (like its default ${verilogValueText(declared)}), got ${kind(v)} ${verilogValueText(v)}`;
  return undefined;
}

/**
 * Hardware values and the width policy. Every operation fixes its result width and signedness
 * when it is built, never losing bits:
 *   add/sub: max(wa, wb) + 1       mul: wa + wb          neg: w + 1, signed
 *   shl by constant k: w + k       shl by signal s: w + 2^ws - 1 (or an explicit result width)
 *   shr/srl/sra: w                 bitwise and/or/xor, mux: max(wa, wb)
 *   comparisons, reductions: 1     cat: sum of widths    slice/bit: hi - lo + 1, unsigned
 * Mixing signed and unsigned operands first widens the unsigned one by a zero bit and treats it as
 * signed. Narrowing happens only through trunc / resize / sat. See docs/dsl.md.
 */
import { Node, type SignalIR, type ModuleIR } from './ir.js';
import { evalOp, mask, toSigned } from './eval.js';
import { reportError } from './context.js';
import { Loc } from './location.js';
import { describeType, type BitsType, type ParamRef } from './types.js';
import { invalidIdentifier } from './names.js';

export type ValueLike = Value | number | bigint | boolean;

/** Largest growth accepted for a shift-left by a signal before an explicit width is required. */
export const MAX_DYNAMIC_SHIFT_GROWTH = 64;

export class Value {
  constructor(readonly node: Node, readonly module: ModuleIR | null) {}

  get width(): number { return this.node.width; }
  get signed(): boolean { return this.node.signed; }
  get type(): BitsType {
    const t: { kind: 'bits'; width: number; signed: boolean; param?: ParamRef } = { kind: 'bits', width: this.width, signed: this.signed };
    if (this.node.param) t.param = this.node.param;
    return t;
  }

  add(o: ValueLike): Value { return this.binary('add', o); }
  sub(o: ValueLike): Value { return this.binary('sub', o); }
  mul(o: ValueLike): Value { return this.binary('mul', o); }
  and(o: ValueLike): Value { return this.binary('and', o); }
  or(o: ValueLike): Value { return this.binary('or', o); }
  xor(o: ValueLike): Value { return this.binary('xor', o); }
  eq(o: ValueLike): Value { return this.binary('eq', o); }
  ne(o: ValueLike): Value { return this.binary('ne', o); }
  lt(o: ValueLike): Value { return this.binary('lt', o); }
  le(o: ValueLike): Value { return this.binary('le', o); }
  gt(o: ValueLike): Value { return this.binary('gt', o); }
  ge(o: ValueLike): Value { return this.binary('ge', o); }

  /** Two's complement negation; the result is signed and one bit wider. */
  neg(): Value {
    if (!paramOk('neg', [this.node])) return this.poison(this.width + 1, true);
    const w = this.width + 1;
    return this.wrap(mk('neg', w, true, [extTo(this.node, w)]));
  }

  not(): Value {
    return this.wrap(mk('not', this.width, this.signed, [this.node], undefined, this.node.param));
  }

  /** AND / OR / XOR of all bits (1 bit). */
  andR(): Value { return this.reduce('redand'); }
  orR(): Value { return this.reduce('redor'); }
  xorR(): Value { return this.reduce('redxor'); }

  /**
   * Shift left. By a constant k the result grows by k bits; by an unsigned signal s it grows by
   * 2^width(s) - 1 bits, or to `resultWidth` when given (required when the growth would be large).
   */
  shl(amount: number | Value, resultWidth?: number): Value {
    if (!paramOk('shl', [this.node])) return this.poison(this.width, this.signed);
    if (typeof amount === 'number') {
      if (!Number.isInteger(amount) || amount < 0) return this.invalid(`shift amount must be a non-negative integer, got ${amount}`);
      const shifted = amount === 0 ? this.node : mk('shlc', this.width + amount, this.signed, [this.node], [amount]);
      return this.wrap(resultWidth === undefined ? shifted : resizeNode(shifted, resultWidth));
    }
    const s = amount.node;
    if (s.signed) return this.invalid(`shift amount ${describeNode(s)} must be unsigned (use .asUnsigned())`);
    let w: number;
    if (resultWidth !== undefined) {
      if (!Number.isInteger(resultWidth) || resultWidth < this.width) {
        return this.invalid(`shl result width ${resultWidth} is narrower than the ${this.width}-bit operand ${describeNode(this.node)}`);
      }
      w = resultWidth;
    } else {
      const growth = s.width >= 31 ? Infinity : 2 ** s.width - 1;
      if (growth > MAX_DYNAMIC_SHIFT_GROWTH) {
        return this.invalid(`shl by the ${s.width}-bit signal ${describeNode(s)} would grow the result by ${growth} bits; ` +
          `give the result width explicitly: .shl(amount, width)`);
      }
      w = this.width + growth;
    }
    return this.combine(amount, mk('dshl', w, this.signed, [extTo(this.node, w), s]));
  }

  /** Shift right keeping the width: arithmetic for signed values, logical for unsigned ones. */
  shr(amount: number | Value): Value { return this.shiftRight(amount, this.signed); }
  /** Logical shift right (zeros enter at the top), whatever the signedness. */
  srl(amount: number | Value): Value { return this.shiftRight(amount, false); }
  /** Arithmetic shift right (copies of the top bit enter), whatever the signedness. */
  sra(amount: number | Value): Value { return this.shiftRight(amount, true); }

  bit(index: number): Value { return this.slice(index, index); }

  /** Bits hi..lo (inclusive), unsigned. */
  slice(hi: number, lo: number): Value {
    if (!paramOk('slice', [this.node])) return this.poison(1, false);
    if (!Number.isInteger(hi) || !Number.isInteger(lo) || lo < 0 || hi < lo || hi >= this.width) {
      return this.invalid(`slice [${hi}:${lo}] is out of range for ${describeNode(this.node)} (${describeType(this.node)})`, Math.max(1, hi - lo + 1));
    }
    return this.wrap(sliceNode(this.node, hi, lo));
  }

  /** Keeps the low n bits (n <= width), keeping signedness. */
  trunc(n: number): Value {
    if (!paramOk('trunc', [this.node])) return this.poison(n, this.signed);
    if (!Number.isInteger(n) || n < 1 || n > this.width) {
      return this.invalid(`trunc(${n}) of ${describeNode(this.node)} (${describeType(this.node)}): the width must be 1..${this.width}; widen with .resize/.zext/.sext`, Math.max(1, n));
    }
    return this.wrap(truncNode(this.node, n));
  }

  /** Truncates or extends (by signedness) to exactly n bits, keeping signedness. */
  resize(n: number): Value {
    if (!paramOk('resize', [this.node])) return this.poison(n, this.signed);
    if (!Number.isInteger(n) || n < 1) return this.invalid(`resize(${n}): width must be a positive integer`);
    return this.wrap(resizeNode(this.node, n));
  }

  /** Zero extension to n >= width bits; the result is unsigned. */
  zext(n: number): Value {
    if (!paramOk('zext', [this.node])) return this.poison(n, false);
    if (!Number.isInteger(n) || n < this.width) return this.invalid(`zext(${n}) of ${describeNode(this.node)} (${describeType(this.node)}): cannot narrow; use .trunc`, Math.max(1, n));
    return this.wrap(zextNode(this.node, n, false));
  }

  /** Sign extension to n >= width bits; the result is signed. */
  sext(n: number): Value {
    if (!paramOk('sext', [this.node])) return this.poison(n, true);
    if (!Number.isInteger(n) || n < this.width) return this.invalid(`sext(${n}) of ${describeNode(this.node)} (${describeType(this.node)}): cannot narrow; use .trunc`, Math.max(1, n), true);
    return this.wrap(sextNode(this.node, n));
  }

  /**
   * Saturates to n bits of the same signedness: values above the n-bit range become its maximum,
   * values below become its minimum (e.g. a signed accumulator to int8 with .sat(8)).
   */
  sat(n: number): Value {
    if (!paramOk('sat', [this.node])) return this.poison(n, this.signed);
    if (!Number.isInteger(n) || n < 1) return this.invalid(`sat(${n}): width must be a positive integer`);
    if (n >= this.width) return this.wrap(extTo(this.node, n));
    const x = this.node;
    const w = this.width;
    const low = truncNode(x, n);
    if (!this.signed) {
      const over = mk('redor', 1, false, [sliceNode(x, w - 1, n)]);
      return this.wrap(mk('mux', n, false, [over, constNode(mask(n), n, false), low]));
    }
    // Fits iff bits w-1..n-1 are all equal (all copies of the sign).
    const top = sliceNode(x, w - 1, n - 1);
    const sign = sliceNode(x, w - 1, w - 1);
    const allZero = mk('not', 1, false, [mk('redor', 1, false, [top])]);
    const allOne = mk('redand', 1, false, [top]);
    const fits = mk('or', 1, false, [allZero, allOne]);
    const max = constNode(mask(n - 1), n, true);
    const min = constNode(1n << BigInt(n - 1), n, true);
    const clamp = mk('mux', n, true, [sign, min, max]);
    return this.wrap(mk('mux', n, true, [fits, low, clamp]));
  }

  /** Same bits, read as two's complement. */
  asSigned(): Value { return this.wrap(castNode(this.node, true)); }
  /** Same bits, read as unsigned. */
  asUnsigned(): Value { return this.wrap(castNode(this.node, false)); }

  /** n copies side by side (unsigned, n * width bits). */
  repeat(n: number): Value {
    if (!paramOk('repeat', [this.node])) return this.poison(this.width * Math.max(1, n), false);
    if (!Number.isInteger(n) || n < 1) return this.invalid(`repeat(${n}): count must be a positive integer`);
    return this.wrap(n === 1 ? castNode(this.node, false) : mk('repl', this.width * n, false, [this.node], [n]));
  }

  /** Gives this expression its own named wire in the Verilog. */
  named(name: string): Value {
    const bad = invalidIdentifier(name);
    if (bad) reportError('invalid-name', bad);
    const n = new Node('cast', this.width, this.signed, [this.node], undefined, 0n, null, this.node.param);
    n.userName = name;
    return this.wrap(n);
  }

  // ---- internals ----

  protected wrap(node: Node): Value {
    return new Value(node, this.module);
  }

  private combine(other: ValueLike, node: Node): Value {
    const om = other instanceof Value ? other.module : null;
    if (this.module && om && om !== this.module) {
      reportError('foreign-value', `a value of module ${om.name} is used in module ${this.module.name}; connect it through ports`);
    }
    return new Value(node, this.module ?? om);
  }

  private poison(width: number, signed: boolean): Value {
    return this.wrap(constNode(0n, Math.max(1, width), signed));
  }

  private invalid(message: string, width = this.width, signed = this.signed): Value {
    reportError('invalid-operation', message);
    return this.poison(width, signed);
  }

  private reduce(op: 'redand' | 'redor' | 'redxor'): Value {
    if (!paramOk(op, [this.node])) return this.poison(1, false);
    return this.wrap(mk(op, 1, false, [this.node]));
  }

  private shiftRight(amount: number | Value, arithmetic: boolean): Value {
    if (!paramOk('shr', [this.node])) return this.poison(this.width, this.signed);
    if (typeof amount === 'number') {
      if (!Number.isInteger(amount) || amount < 0) return this.invalid(`shift amount must be a non-negative integer, got ${amount}`);
      if (amount === 0) return this;
      return this.wrap(mk(arithmetic ? 'srac' : 'shrc', this.width, this.signed, [this.node], [amount]));
    }
    if (amount.node.signed) return this.invalid(`shift amount ${describeNode(amount.node)} must be unsigned (use .asUnsigned())`);
    return this.combine(amount, mk(arithmetic ? 'dsra' : 'dshr', this.width, this.signed, [this.node, amount.node]));
  }

  private binary(op: BinaryOp, o: ValueLike): Value {
    const b = operandFor(o, this.node);
    return this.combine(o, binaryNode(op, this.node, b));
  }
}

type BinaryOp = 'add' | 'sub' | 'mul' | 'and' | 'or' | 'xor' | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';

/** A value that can be assigned: a port, wire, register or instance port. */
export class Signal extends Value {
  constructor(readonly ir: SignalIR) {
    super(ir.ref, ir.module);
  }

  get name(): string { return this.ir.name; }

  /** Drives this signal (last assignment wins; conditional under when/switch). */
  set(v: ValueLike): void {
    const assigner = assigners.get(this.ir.module);
    if (!assigner) throw new Error(`module ${this.ir.module.name} is no longer being built`);
    assigner(this.ir, v, Loc.capture());
  }
}

type Assigner = (target: SignalIR, v: ValueLike, loc: Loc) => void;
const assigners = new WeakMap<ModuleIR, Assigner>();

export function registerAssigner(module: ModuleIR, fn: Assigner | undefined): void {
  if (fn) assigners.set(module, fn);
  else assigners.delete(module);
}

// ---- free functions ----

/** A constant; without a type it is as narrow as possible (signed only if negative). */
export function lit(value: number | bigint | boolean, type?: BitsType): Value {
  const v = BigInt(value);
  if (!type) {
    const signed = v < 0n;
    return new Value(constNode(v & mask(minWidth(v, signed)), minWidth(v, signed), signed), null);
  }
  if (type.param && v !== 0n) {
    reportError('param-width', `constant ${v} cannot have a width bound to parameter ${type.param.name}; only 0 can`);
    return new Value(constNode(0n, type.width, type.signed, type.param), null);
  }
  if (!fits(v, type.width, type.signed)) {
    reportError('width-mismatch', `constant ${v} does not fit ${describeType(type)}`);
    return new Value(constNode(0n, type.width, type.signed, type.param), null);
  }
  return new Value(constNode(v & mask(type.width), type.width, type.signed, type.param), null);
}

/** 2-way multiplexer: `sel ? whenTrue : whenFalse`. */
export function mux(sel: ValueLike, whenTrue: ValueLike, whenFalse: ValueLike): Value {
  const s = toCondition(sel, 'mux select');
  let a: Node;
  let b: Node;
  if (whenTrue instanceof Value) { a = whenTrue.node; b = operandFor(whenFalse, a); }
  else if (whenFalse instanceof Value) { b = whenFalse.node; a = operandFor(whenTrue, b); }
  else { a = lit(whenTrue as number).node; b = lit(whenFalse as number).node; }
  const mod = moduleOf([sel, whenTrue, whenFalse]);
  if (!paramOk('mux', [a, b])) return new Value(constNode(0n, a.width, a.signed), mod);
  const [x, y, signed] = unifySign(a, b);
  const w = Math.max(x.width, y.width);
  return new Value(mk('mux', w, signed, [s, extTo(x, w), extTo(y, w)], undefined, a.param), mod);
}

/** Concatenation, first argument in the most significant bits (unsigned). */
export function cat(...parts: Value[]): Value {
  if (parts.length === 0) {
    reportError('invalid-operation', 'cat() needs at least one part');
    return lit(0);
  }
  const nodes = parts.map((p) => p.node);
  if (!paramOk('cat', nodes)) return new Value(constNode(0n, 1, false), moduleOf(parts));
  const w = nodes.reduce((s, n) => s + n.width, 0);
  return new Value(parts.length === 1 ? castNode(nodes[0]!, false) : mk('concat', w, false, nodes), moduleOf(parts));
}

/**
 * options[sel] as a balanced tree of 2-way muxes (result type as for mux over all options).
 * Indexes past the end of `options` give `fill` (default 0).
 */
export function select(sel: Value, options: readonly ValueLike[], fill: ValueLike = 0): Value {
  if (sel.signed) reportError('invalid-operation', `select index ${describeNode(sel.node)} must be unsigned`);
  if (options.length === 0 || options.length > 2 ** Math.min(sel.width, 30)) {
    reportError('invalid-operation', `select: ${options.length} options do not fit a ${sel.width}-bit index`);
    return lit(0);
  }
  let level: ValueLike[] = [...options];
  // Every index bit takes part: once one option is left, higher bits choose between it and fill.
  for (let bit = 0; bit < sel.width; bit++) {
    const s = sel.bit(bit);
    const next: ValueLike[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(mux(s, level[i + 1] ?? fill, level[i]!));
    level = next;
  }
  const only = level[0]!;
  return only instanceof Value ? only : lit(only as number);
}

/** Sum of all values as a balanced tree of adders (widths grow by one bit per level, nothing lost). */
export function addTree(values: readonly Value[]): Value {
  if (values.length === 0) {
    reportError('invalid-operation', 'addTree needs at least one value');
    return lit(0);
  }
  let level = [...values];
  while (level.length > 1) {
    const next: Value[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? level[i]!.add(level[i + 1]!) : level[i]!);
    level = next;
  }
  return level[0]!;
}

export function replicate(v: Value, n: number): Value {
  return v.repeat(n);
}

/** Coerces a condition to a 1-bit node, reporting anything wider. */
export function toCondition(c: ValueLike, what: string): Node {
  if (typeof c === 'boolean') return constNode(c ? 1n : 0n, 1, false);
  if (!(c instanceof Value)) {
    if (c === 0 || c === 1 || c === 0n || c === 1n) return constNode(BigInt(c), 1, false);
    reportError('width-mismatch', `${what} must be 1 bit, got the constant ${c}`);
    return constNode(0n, 1, false);
  }
  if (c.width !== 1 || c.node.param) {
    reportError('width-mismatch', `${what} must be 1 bit, got ${describeNode(c.node)} (${describeType(c.node)}); reduce it with .orR() or compare it`);
    return constNode(0n, 1, false);
  }
  return c.node;
}

/**
 * The node to store into `target` for `v`: narrower sources are extended by their own
 * signedness; wider sources and signedness mismatches are errors (undefined is returned).
 */
export function coerceForAssign(target: SignalIR, v: ValueLike, loc: Loc): Node | undefined {
  const tdesc = `'${target.name}' (${describeType(target)})`;
  if (!(v instanceof Value)) {
    const b = BigInt(v);
    if (target.param && b !== 0n) {
      reportError('param-width', `only the constant 0 can be assigned to ${tdesc}, whose width is the parameter ${target.param.name}`, loc);
      return undefined;
    }
    if (!fits(b, target.width, target.signed)) {
      reportError('width-mismatch', `constant ${b} does not fit ${tdesc}`, loc);
      return undefined;
    }
    return constNode(b & mask(target.width), target.width, target.signed, target.param);
  }
  if (v.module && v.module !== target.module) {
    reportError('foreign-value', `${describeNode(v.node)} belongs to module ${v.module.name} but is assigned to ${tdesc} in module ${target.module.name}`, loc);
    return undefined;
  }
  const n = v.node;
  const sdesc = `${describeNode(n)} (${describeType(n)})`;
  if (n.signed !== target.signed) {
    reportError('signedness-mismatch', `cannot assign ${sdesc} to ${tdesc}: signedness differs; convert with .asSigned() or .asUnsigned()`, loc);
    return undefined;
  }
  if (n.param || target.param) {
    if (!sameParam(n.param, target.param)) {
      reportError('param-width', `cannot assign ${sdesc} to ${tdesc}: parameter-bound widths must match exactly`, loc);
      return undefined;
    }
    return n;
  }
  if (n.width > target.width) {
    reportError('width-mismatch', `cannot assign ${sdesc} to ${tdesc}: the source is wider; narrow it explicitly with .trunc(${target.width}), .resize(${target.width}) or .sat(${target.width})`, loc);
    return undefined;
  }
  return extTo(n, target.width);
}

/** A short human description of what a node is, for messages. */
export function describeNode(n: Node): string {
  if (n.userName) return `'${n.userName}'`;
  switch (n.op) {
    case 'ref': return `'${n.signal!.name}'`;
    case 'const': return `constant ${n.signed ? toSigned(n.value, n.width) : n.value}`;
    case 'enum': return n.label!;
    case 'cast': case 'zext': case 'sext': return describeNode(n.args[0]!);
    default: return `${n.op}(${n.args.map(shortName).join(', ')})`;
  }
}

function shortName(n: Node): string {
  if (n.userName) return n.userName;
  if (n.op === 'ref') return n.signal!.name;
  if (n.op === 'const') return String(n.signed ? toSigned(n.value, n.width) : n.value);
  if (n.op === 'cast' || n.op === 'zext' || n.op === 'sext') return shortName(n.args[0]!);
  return n.op;
}

// ---- node builders (shared with the module builder) ----

/** Builds a node, folding it to a constant when all operands are constants. */
export function mk(op: Node['op'], width: number, signed: boolean, args: Node[], imm?: number[], param?: ParamRef): Node {
  const node = new Node(op, width, signed, args, imm, 0n, null, param);
  if (args.length > 0 && !param && args.every((a) => a.op === 'const')) {
    return constNode(evalOp(node, args.map((a) => a.value)), width, signed);
  }
  return node;
}

export function constNode(bits: bigint, width: number, signed: boolean, param?: ParamRef): Node {
  return new Node('const', width, signed, [], undefined, bits & mask(width), null, param);
}

export function castNode(n: Node, signed: boolean): Node {
  if (n.signed === signed) return n;
  if (n.op === 'const') return constNode(n.value, n.width, signed, n.param);
  return new Node('cast', n.width, signed, [n], undefined, 0n, null, n.param);
}

export function zextNode(n: Node, w: number, signed: boolean): Node {
  if (n.width === w) return castNode(n, signed);
  return mk('zext', w, signed, [n]);
}

export function sextNode(n: Node, w: number): Node {
  if (n.width === w) return castNode(n, true);
  return mk('sext', w, true, [n]);
}

/** Extends by the node's own signedness (keeping it). */
export function extTo(n: Node, w: number): Node {
  if (n.width === w) return n;
  return n.signed ? sextNode(n, w) : zextNode(n, w, false);
}

export function sliceNode(n: Node, hi: number, lo: number): Node {
  if (lo === 0 && hi === n.width - 1) return castNode(n, false);
  if (n.op === 'slice') return sliceNode(n.args[0]!, n.imm[1]! + hi, n.imm[1]! + lo);
  return mk('slice', hi - lo + 1, false, [n], [hi, lo]);
}

function truncNode(n: Node, w: number): Node {
  return castNode(sliceNode(n, w - 1, 0), n.signed);
}

function resizeNode(n: Node, w: number): Node {
  return w <= n.width ? truncNode(n, w) : extTo(n, w);
}

function unifySign(a: Node, b: Node): [Node, Node, boolean] {
  if (a.signed === b.signed) return [a, b, a.signed];
  if (!a.signed) return [zextNode(a, a.width + 1, true), b, true];
  return [a, zextNode(b, b.width + 1, true), true];
}

function binaryNode(op: BinaryOp, a0: Node, b0: Node): Node {
  if (!paramOk(op, [a0, b0])) return constNode(0n, a0.width, a0.signed);
  const [a, b, signed] = unifySign(a0, b0);
  const wmax = Math.max(a.width, b.width);
  switch (op) {
    case 'add': case 'sub': {
      const w = wmax + 1;
      return mk(op, w, signed, [extTo(a, w), extTo(b, w)]);
    }
    case 'mul': {
      const w = a.width + b.width;
      return mk(op, w, signed, [extTo(a, w), extTo(b, w)]);
    }
    case 'and': case 'or': case 'xor':
      return mk(op, wmax, signed, [extTo(a, wmax), extTo(b, wmax)], undefined, a0.param);
    default:
      return mk(op, 1, false, [extTo(a, wmax), extTo(b, wmax)], [signed ? 1 : 0]);
  }
}

/** A literal operand takes the signedness of the other side (or signed if negative), minimal width. */
function operandFor(o: ValueLike, other: Node): Node {
  if (o instanceof Value) return o.node;
  const v = BigInt(o);
  if (other.param && v === 0n) return constNode(0n, other.width, other.signed, other.param);
  const signed = other.signed || v < 0n;
  const w = minWidth(v, signed);
  return constNode(v & mask(w), w, signed);
}

export function minWidth(v: bigint, signed: boolean): number {
  if (!signed) return Math.max(1, v.toString(2).length);
  const mag = v < 0n ? -v - 1n : v;
  return (mag === 0n ? 0 : mag.toString(2).length) + 1;
}

export function fits(v: bigint, width: number, signed: boolean): boolean {
  if (signed) return v >= -(1n << BigInt(width - 1)) && v < 1n << BigInt(width - 1);
  return v >= 0n && v < 1n << BigInt(width);
}

function moduleOf(items: unknown[]): ModuleIR | null {
  for (const i of items) if (i instanceof Value && i.module) return i.module;
  return null;
}

function sameParam(a: ParamRef | undefined, b: ParamRef | undefined): boolean {
  return !!a && !!b && a.name === b.name && a.owner === b.owner;
}

// Operations that keep a parameter-bound width unchanged; anything else would need the
// parameter's value, which a Verilog user may override.
const PARAM_SAFE = new Set(['and', 'or', 'xor', 'not', 'mux', 'eq', 'ne']);

function paramOk(op: string, nodes: Node[]): boolean {
  const bound = nodes.filter((n) => n.param);
  if (bound.length === 0) return true;
  const p = bound[0]!.param!;
  if (!PARAM_SAFE.has(op)) {
    reportError('param-width', `${op} on ${describeNode(bound[0]!)}, whose width is the Verilog parameter ${p.name}: ` +
      'parameter-bound values may only be stored, passed through, selected (mux), compared for equality or combined bitwise');
    return false;
  }
  if (bound.length !== nodes.length || !bound.every((n) => sameParam(n.param, p))) {
    reportError('param-width', `${op} mixes ${describeNode(bound[0]!)} (width parameter ${p.name}) with a value of another width`);
    return false;
  }
  return true;
}

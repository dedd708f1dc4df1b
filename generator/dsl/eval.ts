/**
 * Bit-exact meaning of every IR operation on bigint bit patterns. Used for constant folding; the
 * emitter's Verilog is checked against an independent reference in the tests.
 */
import type { Node } from './ir.js';

export function mask(width: number): bigint {
  return (1n << BigInt(width)) - 1n;
}

/** The value a `width`-bit pattern stands for. */
export function toSigned(bits: bigint, width: number): bigint {
  const top = 1n << BigInt(width - 1);
  return bits & top ? bits - (top << 1n) : bits;
}

export function interpret(bits: bigint, width: number, signed: boolean): bigint {
  return signed ? toSigned(bits, width) : bits;
}

/** Evaluates `node`'s operation given its operands' bit patterns. */
export function evalOp(node: Node, a: readonly bigint[]): bigint {
  const w = node.width;
  const m = mask(w);
  const x = a[0] ?? 0n;
  const y = a[1] ?? 0n;
  const arg0 = node.args[0];
  switch (node.op) {
    case 'const':
    case 'enum':
      return node.value;
    case 'add': return (x + y) & m;
    case 'sub': return (x - y) & m;
    case 'mul': return (x * y) & m;
    case 'neg': return -x & m;
    case 'and': return x & y;
    case 'or': return x | y;
    case 'xor': return x ^ y;
    case 'not': return ~x & m;
    case 'shlc': return (x << BigInt(node.imm[0]!)) & m;
    case 'shrc': return x >> BigInt(node.imm[0]!);
    case 'srac': return (toSigned(x, w) >> BigInt(node.imm[0]!)) & m;
    case 'dshl': return (x << y) & m;
    case 'dshr': return x >> y;
    case 'dsra': return (toSigned(x, w) >> y) & m;
    case 'eq': return x === y ? 1n : 0n;
    case 'ne': return x !== y ? 1n : 0n;
    case 'lt': case 'le': case 'gt': case 'ge': {
      const ow = arg0!.width;
      const p = node.imm[0] ? toSigned(x, ow) : x;
      const q = node.imm[0] ? toSigned(y, ow) : y;
      const r = node.op === 'lt' ? p < q : node.op === 'le' ? p <= q : node.op === 'gt' ? p > q : p >= q;
      return r ? 1n : 0n;
    }
    case 'redand': return x === mask(arg0!.width) ? 1n : 0n;
    case 'redor': return x !== 0n ? 1n : 0n;
    case 'redxor': {
      let v = x;
      let p = 0n;
      while (v) { p ^= v & 1n; v >>= 1n; }
      return p;
    }
    case 'mux': return x ? y : a[2]!;
    case 'concat': {
      let r = 0n;
      node.args.forEach((n, i) => { r = (r << BigInt(n.width)) | a[i]!; });
      return r;
    }
    case 'slice': return (x >> BigInt(node.imm[1]!)) & m;
    case 'zext': return x;
    case 'sext': return toSigned(x, arg0!.width) & m;
    case 'repl': {
      let r = 0n;
      for (let i = 0; i < node.imm[0]!; i++) r = (r << BigInt(arg0!.width)) | x;
      return r;
    }
    case 'cast': return x;
    case 'ref': throw new Error('evalOp: a signal reference has no constant value');
  }
}

/**
 * Structural view of a module's expressions for printing: identical sub-expressions are merged
 * (hash-consing), uses are counted, and every merged node gets a hash of its structure, from
 * which temporary names are derived (so names do not depend on creation order).
 */
import type { Node } from '../dsl/ir.js';

export interface Canon {
  readonly id: number;
  readonly node: Node;
  readonly args: Canon[];
  /** FNV-1a of the structure (op, widths, constants, signal names, argument hashes). */
  readonly hash: number;
  uses: number;
}

export class Structure {
  readonly all: Canon[] = [];
  private readonly byKey = new Map<string, Canon>();
  private readonly byNode = new Map<Node, Canon>();

  /** The merged node for `node`, counting one use of it. */
  use(node: Node): Canon {
    const c = this.canon(node);
    c.uses++;
    return c;
  }

  canon(node: Node): Canon {
    const known = this.byNode.get(node);
    if (known) return known;
    // Iterative post-order so deep expression chains do not overflow the stack.
    const stack: { n: Node; done: boolean }[] = [{ n: node, done: false }];
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      if (this.byNode.has(top.n)) { stack.pop(); continue; }
      if (!top.done) {
        top.done = true;
        for (const a of top.n.args) if (!this.byNode.has(a)) stack.push({ n: a, done: false });
        continue;
      }
      stack.pop();
      const n = top.n;
      const args: Canon[] = [];
      let key = localKey(n);
      for (const a of n.args) {
        const ca = this.byNode.get(a)!;
        args.push(ca);
        key += `,${ca.id}`;
      }
      let c = this.byKey.get(key);
      if (!c) {
        // The hash mixes the node's own fields with its operands' hashes (not their ids, which
        // depend on visiting order).
        let hash = fnv1a(localKey(n));
        for (const a of args) hash = Math.imul(hash ^ a.hash, 0x01000193) >>> 0;
        c = { id: this.all.length, node: n, args, hash, uses: 0 };
        for (const a of args) a.uses++;
        this.all.push(c);
        this.byKey.set(key, c);
      }
      this.byNode.set(n, c);
    }
    return this.byNode.get(node)!;
  }
}

function localKey(n: Node): string {
  let k = `${n.op}|${n.width}|${n.signed ? 1 : 0}`;
  if (n.imm.length) k += `|${n.imm.join(',')}`;
  if (n.op === 'const' || n.op === 'enum') k += `|${n.value}|${n.label ?? ''}`;
  if (n.signal) k += `|${n.signal.name}`;
  if (n.param) k += `|p${n.param.name}`;
  if (n.userName) k += `|u${n.userName}`;
  return k;
}

export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function hex8(h: number): string {
  return h.toString(16).padStart(8, '0');
}

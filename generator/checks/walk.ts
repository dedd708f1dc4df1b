import type { AssignStmt, Node, SignalIR, Stmt } from '../dsl/ir.js';

/** Calls `fn` for every assignment with the conditions (if conds, switch subjects) that enclose it. */
export function forEachAssign(stmts: readonly Stmt[], fn: (a: AssignStmt, conds: readonly Node[]) => void, conds: Node[] = []): void {
  for (const s of stmts) {
    if (s.kind === 'assign') fn(s, conds);
    else if (s.kind === 'if') {
      conds.push(s.cond);
      forEachAssign(s.then, fn, conds);
      forEachAssign(s.else, fn, conds);
      conds.pop();
    } else {
      conds.push(s.subject);
      for (const c of s.cases) forEachAssign(c.body, fn, conds);
      if (s.default) forEachAssign(s.default, fn, conds);
      conds.pop();
    }
  }
}

/** The signals an expression reads, added to `out`. */
export function collectRefs(node: Node, out: Set<SignalIR>, seen: Set<Node> = new Set()): void {
  const stack = [node];
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    if (n.op === 'ref') out.add(n.signal!);
    else for (const a of n.args) stack.push(a);
  }
}

/** Signals driven combinationally by procedural assignments. */
export function isCombinational(s: SignalIR): boolean {
  return s.kind === 'wire' || s.kind === 'output' || s.kind === 'inst-in';
}

import type { SignalIR } from '../dsl/ir.js';
import { collectRefs, forEachAssign } from './walk.js';
import type { CheckPass } from './pass.js';

/**
 * Finds combinational cycles (through wires, outputs and instances, using each child's
 * input-to-output paths) and records this module's own paths for its parents.
 */
export const combLoopCheck: CheckPass = {
  name: 'comb-loop',
  run(m, report) {
    const deps = new Map<SignalIR, Set<SignalIR>>();
    const depsOf = (s: SignalIR): Set<SignalIR> => {
      let d = deps.get(s);
      if (!d) deps.set(s, (d = new Set()));
      return d;
    };
    const condRefs = new Map<object, Set<SignalIR>>();
    const visitAssign = (a: { target: SignalIR; value: import('../dsl/ir.js').Node }, conds: readonly import('../dsl/ir.js').Node[]): void => {
      const t = a.target;
      if (t.kind === 'reg') return;
      const d = depsOf(t);
      collectRefs(a.value, d);
      for (const c of conds) {
        let r = condRefs.get(c);
        if (!r) { r = new Set(); collectRefs(c, r); condRefs.set(c, r); }
        for (const x of r) d.add(x);
      }
    };
    forEachAssign(m.defaults, visitAssign);
    forEachAssign(m.body, visitAssign);
    for (const c of m.continuous) depsOf(c.target).add(c.source);
    for (const inst of m.instances) {
      const paths = inst.module.combPaths;
      for (const [port, sig] of inst.ports) {
        if (sig.kind !== 'inst-out') continue;
        for (const input of paths?.get(port) ?? []) depsOf(sig).add(inst.ports.get(input)!);
      }
    }
    // Only combinational signals carry a loop; registers, memory data and inputs cut it.
    const combo = (s: SignalIR): boolean => s.kind !== 'reg' && s.kind !== 'mem-read' && s.kind !== 'input';
    for (const scc of stronglyConnected([...deps.keys()], (s) => [...(deps.get(s) ?? [])].filter(combo))) {
      const selfLoop = scc.length === 1 && deps.get(scc[0]!)?.has(scc[0]!);
      if (scc.length < 2 && !selfLoop) continue;
      const ordered = [...scc].sort((a, b) => m.signals.indexOf(a) - m.signals.indexOf(b));
      const names = [...ordered, ordered[0]!].map((s) => s.name).join(' -> ');
      const where = ordered.map((s) => `${s.name} at ${s.firstAssign ?? s.loc}`).join(', ');
      report('comb-loop', `combinational loop: ${names} (assigned: ${where})`, ordered[0]!.firstAssign ?? ordered[0]!.loc);
    }
    m.combPaths = new Map();
    for (const p of m.ports) {
      if (p.kind !== 'output') continue;
      const inputs = new Set<string>();
      const seen = new Set<SignalIR>();
      const stack = [p];
      while (stack.length) {
        const s = stack.pop()!;
        if (seen.has(s)) continue;
        seen.add(s);
        if (s.kind === 'input') inputs.add(s.name);
        else if (combo(s) || s === p) for (const d of deps.get(s) ?? []) stack.push(d);
      }
      m.combPaths.set(p.name, inputs);
    }
  },
};

/** Tarjan's algorithm, iterative (deep netlists would overflow a recursive one). */
function stronglyConnected<T>(nodes: T[], next: (n: T) => T[]): T[][] {
  const index = new Map<T, number>();
  const low = new Map<T, number>();
  const onStack = new Set<T>();
  const stack: T[] = [];
  const out: T[][] = [];
  let counter = 0;
  for (const root of nodes) {
    if (index.has(root)) continue;
    const work: { n: T; edges: T[]; i: number }[] = [];
    const open = (n: T): void => {
      index.set(n, counter);
      low.set(n, counter++);
      stack.push(n);
      onStack.add(n);
      work.push({ n, edges: next(n), i: 0 });
    };
    open(root);
    while (work.length) {
      const top = work[work.length - 1]!;
      if (top.i < top.edges.length) {
        const w = top.edges[top.i++]!;
        if (!index.has(w)) open(w);
        else if (onStack.has(w)) low.set(top.n, Math.min(low.get(top.n)!, index.get(w)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.n, Math.min(low.get(parent.n)!, low.get(top.n)!));
      if (low.get(top.n) === index.get(top.n)) {
        const scc: T[] = [];
        let w: T;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          scc.push(w);
        } while (w !== top.n);
        out.push(scc);
      }
    }
  }
  return out;
}

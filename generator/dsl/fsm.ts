/**
 * Finite-state machines whose states are a TypeScript string-literal union: a misspelt state does
 * not compile, and a state that is targeted by goto but never given a body is an elaboration error.
 * States are encoded in binary, in the order listed, as Verilog localparams.
 */
import type { FsmIR, SwitchStmt, Stmt, Node } from './ir.js';
import { Node as IRNode } from './ir.js';
import { Loc } from './location.js';
import { reportError } from './context.js';
import { Signal, Value, mk } from './value.js';
import type { ModuleBuilder } from './module.js';

export class Fsm<S extends string> {
  readonly ir: FsmIR;
  /** The state register. */
  readonly reg: Signal;
  private readonly codes = new Map<string, IRNode>();
  private readonly stmt: SwitchStmt;
  private readonly home: Stmt[];

  constructor(private readonly b: ModuleBuilder, name: string, states: readonly S[], initial: S, loc: Loc) {
    const width = Math.max(1, Math.ceil(Math.log2(Math.max(2, states.length))));
    const index = states.indexOf(initial);
    if (states.length === 0 || new Set(states).size !== states.length) {
      reportError('invalid-operation', `fsm '${name}' needs a non-empty list of distinct states`, loc);
    }
    this.reg = b.reg(`${name}_state`, { kind: 'bits', width, signed: false }, { init: Math.max(0, index) });
    states.forEach((s, i) => {
      const label = `${name}_${s}`.toUpperCase();
      b.claimName(label, loc);
      b.ir.enums.push({ name: label, width, value: BigInt(i) });
      this.codes.set(s, new IRNode('enum', width, false, [], undefined, BigInt(i), null, undefined, label));
    });
    this.ir = { name, state: this.reg.ir, states: [...states], defined: new Map(), targets: [], loc };
    b.ir.fsms.push(this.ir);
    this.stmt = { kind: 'switch', subject: this.reg.node, cases: [], default: null, loc };
    this.home = b.currentBlock();
    this.home.push(this.stmt);
  }

  /**
   * Defines what happens in state `s`: assignments and gotos made in `body` apply while the
   * machine is in it. Call it where the fsm was created (not inside a when/switch).
   */
  state(s: S, body: () => void): this {
    const loc = Loc.capture();
    const code = this.codes.get(s);
    if (!code) {
      reportError('fsm-undefined-state', `fsm '${this.ir.name}' has no state '${s}' (states: ${this.ir.states.join(', ')})`, loc);
      return this;
    }
    if (this.ir.defined.has(s)) {
      reportError('invalid-operation', `fsm '${this.ir.name}': state '${s}' is already defined at ${this.ir.defined.get(s)}`, loc);
      return this;
    }
    if (this.b.currentBlock() !== this.home) {
      reportError('invalid-operation', `fsm '${this.ir.name}': define state '${s}' where the fsm was created, not inside a when/switch`, loc);
      return this;
    }
    this.ir.defined.set(s, loc);
    const c = { values: [code.value], labels: [code.label], body: [] as Stmt[], loc };
    this.stmt.cases.push(c);
    const subject = this.reg.node;
    this.b.inBlock(c.body, () => mk('eq', 1, false, [subject, code], [0]), body);
    return this;
  }

  /** Moves to `s` at the next clock edge. */
  goto(s: S): void {
    const loc = Loc.capture();
    const code = this.codes.get(s);
    if (!code) {
      reportError('fsm-undefined-state', `fsm '${this.ir.name}' has no state '${s}'`, loc);
      return;
    }
    this.ir.targets.push({ state: s, loc });
    this.b.assignSignal(this.reg.ir, new Value(code, this.b.ir), loc);
  }

  /** High while the machine is in `s`. */
  is(s: S): Value {
    const code = this.codes.get(s);
    if (!code) {
      reportError('fsm-undefined-state', `fsm '${this.ir.name}' has no state '${s}'`);
      return new Value(mk('eq', 1, false, [this.reg.node, this.reg.node], [0]), this.b.ir);
    }
    return new Value(mk('eq', 1, false, [this.reg.node, code as Node], [0]), this.b.ir);
  }
}

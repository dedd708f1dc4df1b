/**
 * Prints one module's IR as Verilog-2005 text (the body and port list; the file frame comes
 * from templates/verilog/module.v.hbs). Every operator gets operands of exactly its own width, so
 * the output is free of Verilator WIDTH warnings and of Verilog's implicit sizing rules.
 */
import type { DomainIR, ModuleIR, Node, SignalIR, Stmt } from '../dsl/ir.js';
import type { Loc } from '../dsl/location.js';
import { isKeyword } from '../dsl/names.js';
import { mask } from '../dsl/eval.js';
import { Structure, hex8, type Canon } from './structure.js';
import { dropOverridden, isSingleAssign, projectAll } from './project.js';
import { verilogValueText } from '../dsl/blackbox.js';

export interface PrintOptions {
  /** Append `// file.ts:line` to declarations and assignments (default true). */
  locators: boolean;
}

export interface PrintedModule {
  portList: string;
  body: string;
}

interface Printed {
  text: string;
  atomic: boolean;
}

interface RegGroup {
  domain: DomainIR | undefined;
  reset: boolean;
  enable: Node | undefined;
  regs: SignalIR[];
}

const IND = '  ';
const MAX_INLINE_DEPTH = 6;

export function printModule(m: ModuleIR, opts: PrintOptions): PrintedModule {
  return new ModulePrinter(m, opts).print();
}

class ModulePrinter {
  private readonly st = new Structure();
  private readonly temps = new Map<Canon, string>();
  private readonly declared = new Map<string, { width: number; used: bigint; param: boolean }>();
  private readonly procedural = new Set<SignalIR>();
  private readonly usedLabels = new Set<string>();
  private readonly inlinedInputs = new Map<SignalIR, Node>();
  private combGroups = new Map<SignalIR, Stmt[]>();
  private regGroups: { group: RegGroup; stmts: Stmt[] }[] = [];

  constructor(private readonly m: ModuleIR, private readonly opts: PrintOptions) {}

  print(): PrintedModule {
    this.group();
    this.countUses();
    this.chooseTemps();
    for (const s of this.m.signals) {
      if (s.kind !== 'output' && s.kind !== 'input' && !this.inlinedInputs.has(s)) this.declare(s.name, s.width, !!s.param);
    }
    for (const p of this.m.ports) if (p.kind === 'input') this.declare(p.name, p.width, !!p.param);
    for (const [c, name] of this.temps) this.declare(name, c.node.width, !!c.node.param);

    const logic: string[] = [];
    for (const [c, name] of this.temps) logic.push(`${IND}assign ${name} = ${this.define(c).text};`);
    for (const [sig, stmts] of this.combGroups) {
      if (this.inlinedInputs.has(sig)) continue;
      if (isSingleAssign(stmts)) {
        logic.push(`${IND}assign ${sig.name} = ${this.expr(stmts[0].value).text};${this.loc(stmts[0].loc)}`);
      } else {
        logic.push(`${IND}always @* begin`);
        this.stmts(stmts, 2, '=', logic);
        logic.push(`${IND}end`);
      }
    }
    for (const c of this.m.continuous) {
      this.useName(c.source.name);
      logic.push(`${IND}assign ${c.target.name} = ${c.source.name};${this.loc(c.loc)}`);
    }
    for (const { group, stmts } of this.regGroups) this.regBlock(group, stmts, logic);
    for (const mem of this.m.memories) this.memoryBlocks(mem, logic);
    for (const inst of this.m.instances) this.instanceBlock(inst, logic);

    const decls: string[] = [];
    for (const e of this.m.enums) decls.push(`${IND}localparam ${range(e.width)}${e.name} = ${literal(e.width, e.value)};`);
    for (const s of this.m.signals) {
      if (s.kind === 'input' || s.kind === 'output' || this.inlinedInputs.has(s)) continue;
      const kind = this.procedural.has(s) ? 'reg' : 'wire';
      // Without a reset, a register's init value is its power-up value (FPGA flops take it).
      const init = s.kind === 'reg' && s.init !== undefined && !s.domain?.reset ? ` = ${this.lit(s.width, s.init, s)}` : '';
      decls.push(`${IND}${kind} ${this.range(s)}${s.name}${init};${this.loc(s.loc)}`);
    }
    for (const mem of this.m.memories) {
      const words = mem.addrParam ? `(1 << ${mem.addrParam.name}) - 1` : `${mem.depth - 1}`;
      const width = mem.widthParam ? `[${mem.widthParam.name}-1:0] ` : range(mem.width);
      const style = mem.style ? `(* ram_style = "${mem.style}" *) ` : '';
      decls.push(`${IND}${style}reg ${width}${mem.name} [0:${words}];${this.loc(mem.loc)}`);
    }
    for (const [c, name] of this.temps) decls.push(`${IND}wire ${c.node.param ? `[${c.node.param.name}-1:0] ` : range(c.node.width)}${name};`);

    const unused = this.unusedSink();
    const sections = [decls, logic, unused].filter((s) => s.length > 0).map((s) => s.join('\n'));
    return { portList: this.portList(), body: sections.length ? `\n${sections.join('\n\n')}\n` : '' };
  }

  // ---- analysis ----

  private group(): void {
    const regGroupOf = new Map<string, RegGroup>();
    const keyOf = new Map<SignalIR, object>();
    const enableIds = new Map<Node, number>();
    for (const s of this.m.signals) {
      if (s.kind === 'reg') {
        const reset = !!s.domain?.reset && s.init !== undefined;
        if (s.enable && !enableIds.has(s.enable)) enableIds.set(s.enable, enableIds.size);
        const key = `${this.m.domains.indexOf(s.domain!)}|${reset}|${s.enable ? enableIds.get(s.enable) : -1}`;
        let g = regGroupOf.get(key);
        if (!g) regGroupOf.set(key, (g = { domain: s.domain, reset, enable: s.enable, regs: [] }));
        g.regs.push(s);
        keyOf.set(s, g);
        this.procedural.add(s);
      }
    }
    const projected = projectAll([...this.m.defaults, ...this.m.body], (t) => keyOf.get(t) ?? t);
    for (const s of this.m.signals) {
      const stmts = projected.get(s);
      if (!stmts) continue;
      const simple = dropOverridden(stmts);
      this.combGroups.set(s, simple);
      if (!isSingleAssign(simple)) this.procedural.add(s);
    }
    for (const g of regGroupOf.values()) this.regGroups.push({ group: g, stmts: projected.get(g) ?? [] });
  }

  private countUses(): void {
    const useStmts = (stmts: readonly Stmt[]): void => {
      for (const s of stmts) {
        if (s.kind === 'assign') this.st.use(s.value);
        else if (s.kind === 'if') { this.st.use(s.cond); useStmts(s.then); useStmts(s.else); }
        else { this.st.use(s.subject); for (const c of s.cases) useStmts(c.body); if (s.default) useStmts(s.default); }
      }
    };
    for (const stmts of this.combGroups.values()) useStmts(stmts);
    for (const { group, stmts } of this.regGroups) {
      if (group.reset && group.domain?.reset) this.st.use(group.domain.reset);
      if (group.enable && stmts.length) this.st.use(group.enable);
      useStmts(stmts);
    }
    for (const mem of this.m.memories) {
      for (const p of mem.readPorts) { this.st.use(p.addr); if (p.enable) this.st.use(p.enable); }
      for (const p of mem.writePorts) { this.st.use(p.addr); this.st.use(p.data); if (p.enable) this.st.use(p.enable); }
      const sp = mem.singlePort;
      if (sp) {
        if (sp.writeData) { this.st.use(sp.addr); this.st.use(sp.writeData); if (sp.writeEnable) this.st.use(sp.writeEnable); }
        this.st.use(sp.addr);
        if (sp.readEnable) this.st.use(sp.readEnable);
      }
    }
    // An instance input driven by one unconditional expression and never read back is written
    // straight into the port connection.
    for (const inst of this.m.instances) {
      for (const sig of inst.ports.values()) {
        const stmts = this.combGroups.get(sig);
        if (sig.kind === 'inst-in' && stmts && isSingleAssign(stmts) && !this.isRead(sig)) this.inlinedInputs.set(sig, stmts[0].value);
      }
    }
  }

  private isRead(sig: SignalIR): boolean {
    const c = this.st.canon(sig.ref);
    return c.uses > 0;
  }

  private chooseTemps(): void {
    const needName = new Set<Canon>();
    const effectiveUses = new Map<Canon, number>();
    for (const c of this.st.all) {
      const base = stripCasts(c);
      if (base !== c) effectiveUses.set(base, (effectiveUses.get(base) ?? 0) + c.uses - 1);
      const op = c.node.op;
      if (op === 'slice' || op === 'sext' || op === 'srac' || op === 'shrc') {
        const a = stripCasts(c.args[0]!);
        if (a.node.op !== 'ref') needName.add(a);
      }
    }
    const chosen: Canon[] = [];
    // Nesting depth of the text an inlined node would print; deep chains are cut into named
    // wires so lines stay readable (and printing never recurses deeply).
    const depth = new Map<Canon, number>();
    for (const c of this.st.all) {
      const op = c.node.op;
      const inner = c.args.reduce((d, a) => Math.max(d, depth.get(a) ?? 0), 0);
      depth.set(c, inner + 1);
      if (op === 'ref' || op === 'const' || op === 'enum') continue;
      if (op === 'cast' && !c.node.userName) continue;
      const uses = c.uses + (effectiveUses.get(c) ?? 0);
      // Extending or slicing a plain signal is as cheap to repeat as to name.
      const cheap = (op === 'zext' || op === 'sext' || op === 'slice') && stripCasts(c.args[0]!).node.op === 'ref';
      if (c.node.userName || needName.has(c) || (uses > 1 && !cheap) || inner + 1 > MAX_INLINE_DEPTH) {
        chosen.push(c);
        depth.set(c, 0);
      }
    }
    // Names come from structure: op and operand names; a hash of the structure tells apart
    // different expressions with the same name, so edits elsewhere never renumber them.
    const taken = new Set<string>([...this.m.signals.map((s) => s.name), ...this.m.enums.map((e) => e.name),
      ...this.m.memories.map((x) => x.name), ...this.m.instances.map((x) => x.name), ...this.m.verilogParams.map((p) => p.name)]);
    const byBase = new Map<string, Canon[]>();
    for (const c of chosen) {
      const base = c.node.userName ?? hint(c, 40);
      const list = byBase.get(base) ?? [];
      list.push(c);
      byBase.set(base, list);
    }
    const names = new Map<Canon, string>();
    for (const [base, list] of byBase) {
      if (list.length === 1 && !taken.has(base) && !isKeyword(base)) { names.set(list[0]!, base); continue; }
      for (const c of list) {
        let n = `${base}_${hex8(c.hash).slice(0, 4)}`;
        for (let len = 6; taken.has(n) || [...names.values()].includes(n); len += 2) n = `${base}_${hex8(c.hash).slice(0, Math.min(8, len))}${len > 8 ? `_${c.id}` : ''}`;
        names.set(c, n);
      }
    }
    for (const c of chosen) this.temps.set(c, names.get(c)!);
  }

  // ---- expressions ----

  private expr(node: Node): Printed {
    return this.ref(this.st.canon(node));
  }

  /** A use of c: its temporary's name, or its expression inline. */
  private ref(c: Canon): Printed {
    const name = this.temps.get(c);
    if (name !== undefined) {
      this.useName(name);
      return { text: name, atomic: true };
    }
    return this.define(c);
  }

  private operand(c: Canon): string {
    const p = this.ref(c);
    return p.atomic ? p.text : `(${p.text})`;
  }

  /** An operand of + - *: a negative literal is bracketed so `a - (-8'sd3)` never reads as `a - -8'sd3`. */
  private arithOperand(c: Canon): string {
    const text = this.operand(c);
    return text.startsWith('-') ? `(${text})` : text;
  }

  /** The identifier c is known by (a signal or a temporary), marking bits hi..lo used. */
  private nameOf(c: Canon, hi: number, lo: number): string {
    const b = stripCasts(c);
    const name = b.node.op === 'ref' ? b.node.signal!.name : this.temps.get(b)!;
    this.useName(name, hi, lo);
    return name;
  }

  private define(c: Canon): Printed {
    const n = c.node;
    const a = c.args;
    const w = n.width;
    switch (n.op) {
      case 'const': return { text: this.lit(w, n.value, n), atomic: true };
      case 'enum': this.usedLabels.add(n.label!); return { text: n.label!, atomic: true };
      case 'ref': this.useName(n.signal!.name); return { text: n.signal!.name, atomic: true };
      case 'cast': return this.ref(a[0]!);
      case 'add': return bin(this.arithOperand(a[0]!), '+', this.arithOperand(a[1]!));
      case 'sub': return bin(this.arithOperand(a[0]!), '-', this.arithOperand(a[1]!));
      case 'mul': return bin(this.arithOperand(a[0]!), '*', this.arithOperand(a[1]!));
      case 'and': return bin(this.operand(a[0]!), '&', this.operand(a[1]!));
      case 'or': return bin(this.operand(a[0]!), '|', this.operand(a[1]!));
      case 'xor': return bin(this.operand(a[0]!), '^', this.operand(a[1]!));
      case 'eq': return bin(this.operand(a[0]!), '==', this.operand(a[1]!));
      case 'ne': return bin(this.operand(a[0]!), '!=', this.operand(a[1]!));
      case 'lt': case 'le': case 'gt': case 'ge': {
        const op = { lt: '<', le: '<=', gt: '>', ge: '>=' }[n.op];
        if (!n.imm[0]) return bin(this.operand(a[0]!), op, this.operand(a[1]!));
        return bin(this.signedOperand(a[0]!), op, this.signedOperand(a[1]!));
      }
      case 'neg': return { text: `-${this.operand(a[0]!)}`, atomic: false };
      case 'not': return { text: `~${this.operand(a[0]!)}`, atomic: false };
      case 'redand': return { text: `&${this.operand(a[0]!)}`, atomic: false };
      case 'redor': return { text: `|${this.operand(a[0]!)}`, atomic: false };
      case 'redxor': return { text: `^${this.operand(a[0]!)}`, atomic: false };
      case 'shlc': return { text: `{${this.ref(a[0]!).text}, ${n.imm[0]}'d0}`, atomic: true };
      case 'shrc': {
        const k = n.imm[0]!;
        if (k >= w) return { text: literal(w, 0n), atomic: true };
        const top = `${this.nameOf(a[0]!, w - 1, k)}${bits(w - 1, k)}`;
        return { text: `{${k}'d0, ${top}}`, atomic: true };
      }
      case 'srac': {
        const k = Math.min(n.imm[0]!, w);
        if (w === 1) return this.ref(a[0]!);
        const sign = `${this.nameOf(a[0]!, w - 1, w - 1)}[${w - 1}]`;
        if (k >= w) return { text: `{${w}{${sign}}}`, atomic: true };
        const top = `${this.nameOf(a[0]!, w - 1, k)}${bits(w - 1, k)}`;
        return { text: k === 1 ? `{${sign}, ${top}}` : `{{${k}{${sign}}}, ${top}}`, atomic: true };
      }
      case 'dshl': return bin(this.operand(a[0]!), '<<', this.operand(a[1]!));
      case 'dshr': return bin(this.operand(a[0]!), '>>', this.operand(a[1]!));
      case 'dsra': return { text: `{$signed(${this.ref(a[0]!).text}) >>> ${this.operand(a[1]!)}}`, atomic: true };
      case 'mux': return { text: `${this.operand(a[0]!)} ? ${this.operand(a[1]!)} : ${this.operand(a[2]!)}`, atomic: false };
      case 'concat': return { text: `{${a.map((x) => this.ref(x).text).join(', ')}}`, atomic: true };
      case 'slice': {
        const [hi, lo] = [n.imm[0]!, n.imm[1]!];
        return { text: `${this.nameOf(a[0]!, hi, lo)}${bits(hi, lo)}`, atomic: true };
      }
      case 'zext': {
        const k = w - a[0]!.node.width;
        return { text: `{${k === 1 ? "1'b0" : `${k}'d0`}, ${this.ref(a[0]!).text}}`, atomic: true };
      }
      case 'sext': {
        const aw = a[0]!.node.width;
        const k = w - aw;
        if (aw === 1) return { text: `{${w}{${this.nameOf(a[0]!, 0, 0)}}}`, atomic: true };
        const sign = `${this.nameOf(a[0]!, aw - 1, aw - 1)}[${aw - 1}]`;
        const whole = this.nameOf(a[0]!, aw - 1, 0);
        return { text: k === 1 ? `{${sign}, ${whole}}` : `{{${k}{${sign}}}, ${whole}}`, atomic: true };
      }
      case 'repl': return { text: `{${n.imm[0]}{${this.ref(a[0]!).text}}}`, atomic: true };
    }
  }

  /** An operand of a signed comparison: constants as signed literals, anything else through $signed. */
  private signedOperand(c: Canon): string {
    if (c.node.op === 'const' && !c.node.param && !this.temps.has(c)) return signedLiteral(c.node.width, c.node.value);
    return `$signed(${this.ref(c).text})`;
  }

  /** A constant as text: negative values of signed constants print as `-8'sd3`. */
  private lit(width: number, value: bigint, typed: { signed: boolean; param?: { name: string } | undefined }): string {
    if (typed.param) return `{${typed.param.name}{1'b0}}`;
    return typed.signed ? signedLiteral(width, value, true) : literal(width, value);
  }

  // ---- statements ----

  private stmts(stmts: readonly Stmt[], depth: number, op: '=' | '<=', out: string[]): void {
    const ind = IND.repeat(depth);
    for (const s of stmts) {
      if (s.kind === 'assign') {
        out.push(`${ind}${s.target.name} ${op} ${this.expr(s.value).text};${this.loc(s.loc)}`);
      } else if (s.kind === 'if') {
        this.ifChain(s, depth, op, out, `${ind}if`);
      } else {
        out.push(`${ind}case (${this.expr(s.subject).text})`);
        // Cases that assign nothing here are left out (the default covers them).
        const cases = s.cases.filter((c) => c.values.length > 0 && c.body.length > 0);
        const total = cases.reduce((k, c) => k + c.values.length, 0);
        const full = total >= 2 ** s.subject.width;
        cases.forEach((c, i) => {
          const asDefault = full && !s.default && i === cases.length - 1;
          for (const l of c.labels) if (l) this.usedLabels.add(l);
          const labels = c.values.map((v, j) => c.labels[j] ?? (s.subject.signed ? signedLiteral(s.subject.width, v, true) : literal(s.subject.width, v))).join(', ');
          out.push(`${ind}${IND}${asDefault ? 'default' : labels}: begin${asDefault ? ` // ${labels}` : ''}`);
          this.stmts(c.body, depth + 2, op, out);
          out.push(`${ind}${IND}end`);
        });
        if (s.default) {
          out.push(`${ind}${IND}default: begin`);
          this.stmts(s.default, depth + 2, op, out);
          out.push(`${ind}${IND}end`);
        } else if (!full) {
          out.push(`${ind}${IND}default: begin`, `${ind}${IND}end`);
        }
        out.push(`${ind}endcase`);
      }
    }
  }

  private ifChain(s: Extract<Stmt, { kind: 'if' }>, depth: number, op: '=' | '<=', out: string[], head: string): void {
    const ind = IND.repeat(depth);
    if (s.then.length === 0 && s.else.length > 0) {
      // Only the else branch assigns here: print it as the negated condition.
      const c = this.expr(s.cond);
      out.push(`${head} (!${c.atomic ? c.text : `(${c.text})`}) begin`);
      this.stmts(s.else, depth + 1, op, out);
      out.push(`${ind}end`);
      return;
    }
    out.push(`${head} (${this.expr(s.cond).text}) begin`);
    this.stmts(s.then, depth + 1, op, out);
    if (s.else.length === 1 && s.else[0]!.kind === 'if') {
      this.ifChain(s.else[0]!, depth, op, out, `${ind}end else if`);
      return;
    }
    if (s.else.length > 0) {
      out.push(`${ind}end else begin`);
      this.stmts(s.else, depth + 1, op, out);
    }
    out.push(`${ind}end`);
  }

  private regBlock(g: RegGroup, stmts: Stmt[], out: string[]): void {
    const domain = g.domain;
    if (!domain) return;
    if (!g.reset && stmts.length === 0) return;
    this.useName(domain.clock.name);
    out.push(`${IND}always @(posedge ${domain.clock.name}) begin`);
    let depth = 2;
    if (g.reset) {
      out.push(`${IND.repeat(2)}if (${this.expr(domain.reset!).text}) begin`);
      for (const r of g.regs) out.push(`${IND.repeat(3)}${r.name} <= ${this.lit(r.width, r.init!, r)};`);
      if (stmts.length === 0) {
        out.push(`${IND.repeat(2)}end`, `${IND}end`);
        return;
      }
      out.push(`${IND.repeat(2)}end else begin`);
      depth = 3;
    }
    if (g.enable) {
      out.push(`${IND.repeat(depth)}if (${this.expr(g.enable).text}) begin`);
      this.stmts(stmts, depth + 1, '<=', out);
      out.push(`${IND.repeat(depth)}end`);
    } else {
      this.stmts(stmts, depth, '<=', out);
    }
    if (g.reset) out.push(`${IND.repeat(2)}end`);
    out.push(`${IND}end`);
  }

  private memoryBlocks(mem: ModuleIR['memories'][number], out: string[]): void {
    if (mem.init !== undefined) out.push(`${IND}initial $readmemh("${mem.init}", ${mem.name});`);
    const byDomain = new Map<DomainIR, typeof mem.writePorts>();
    for (const p of mem.writePorts) {
      if (!p.domain) continue;
      const list = byDomain.get(p.domain) ?? [];
      list.push(p);
      byDomain.set(p.domain, list);
    }
    for (const [domain, ports] of byDomain) {
      this.useName(domain.clock.name);
      out.push(`${IND}always @(posedge ${domain.clock.name}) begin`);
      for (const p of ports) {
        const line = `${mem.name}[${this.expr(p.addr).text}] <= ${this.expr(p.data).text};${this.loc(p.loc)}`;
        if (p.enable) out.push(`${IND.repeat(2)}if (${this.expr(p.enable).text}) begin`, `${IND.repeat(3)}${line}`, `${IND.repeat(2)}end`);
        else out.push(`${IND.repeat(2)}${line}`);
      }
      out.push(`${IND}end`);
    }
    if (mem.singlePort) this.singlePortBlock(mem, mem.singlePort, out);
    for (const p of mem.readPorts) {
      if (!p.domain) continue;
      this.procedural.add(p.data);
      this.useName(p.domain.clock.name);
      const line = `${p.data.name} <= ${mem.name}[${this.expr(p.addr).text}];${this.loc(p.loc)}`;
      out.push(`${IND}always @(posedge ${p.domain.clock.name}) begin`);
      if (p.enable) out.push(`${IND.repeat(2)}if (${this.expr(p.enable).text}) begin`, `${IND.repeat(3)}${line}`, `${IND.repeat(2)}end`);
      else out.push(`${IND.repeat(2)}${line}`);
      out.push(`${IND}end`);
    }
  }

  /**
   * The shape yosys 0.23 maps to SB_SPRAM256KA: one address, and read data that keeps its value on
   * a write cycle (`if (we) m[a] <= d; else if (re) q <= m[a];`).
   */
  private singlePortBlock(mem: ModuleIR['memories'][number], p: NonNullable<ModuleIR['memories'][number]['singlePort']>, out: string[]): void {
    if (!p.domain) return;
    this.procedural.add(p.data);
    this.useName(p.domain.clock.name);
    const i2 = IND.repeat(2);
    const i3 = IND.repeat(3);
    const read = `${p.data.name} <= ${mem.name}[${this.expr(p.addr).text}];${this.loc(p.loc)}`;
    out.push(`${IND}always @(posedge ${p.domain.clock.name}) begin`);
    let head = `${i2}if`;
    if (p.writeData && p.writeEnable) {
      out.push(`${i2}if (${this.expr(p.writeEnable).text}) begin`, `${i3}${mem.name}[${this.expr(p.addr).text}] <= ${this.expr(p.writeData).text};${this.loc(p.loc)}`);
      head = `${i2}end else if`;
    }
    if (p.readEnable) out.push(`${head} (${this.expr(p.readEnable).text}) begin`, `${i3}${read}`, `${i2}end`);
    else if (head === `${i2}if`) out.push(`${i2}${read}`);
    else out.push(`${i2}end else begin`, `${i3}${read}`, `${i2}end`);
    out.push(`${IND}end`);
  }

  private instanceBlock(inst: ModuleIR['instances'][number], out: string[]): void {
    const child = inst.module;
    const params = inst.cellParams
      ? inst.cellParams.map((p) => ({ name: p.name, text: verilogValueText(p.value) }))
      : child.verilogParams.map((p) => ({ name: p.name, text: `${inst.paramBindings.get(p.name) ?? p.value}` }));
    const head = params.length
      ? `${IND}${child.name} #(\n${params.map((p) => `${IND}${IND}.${p.name}(${p.text})`).join(',\n')}\n${IND}) ${inst.name} (${this.loc(inst.loc)}`
      : `${IND}${child.name} ${inst.name} (${this.loc(inst.loc)}`;
    out.push(head);
    const lines = child.ports.map((p) => {
      const sig = inst.ports.get(p.name)!;
      let text: string;
      const inlined = this.inlinedInputs.get(sig);
      if (inlined) text = this.expr(inlined).text;
      else {
        if (sig.kind === 'inst-in') this.useName(sig.name);
        text = sig.name;
      }
      return `${IND}${IND}.${p.name}(${text})`;
    });
    out.push(lines.join(',\n'), `${IND});`);
  }

  // ---- declarations and usage ----

  private declare(name: string, width: number, param: boolean): void {
    this.declared.set(name, { width, used: 0n, param });
  }

  private useName(name: string, hi?: number, lo?: number): void {
    const d = this.declared.get(name);
    if (!d) return;
    if (hi === undefined || d.param) d.used = mask(d.width);
    else d.used |= mask(hi - lo! + 1) << BigInt(lo!);
  }

  /** Bits nobody reads are gathered into one `_unused_ok` wire, so Verilator's UNUSED lint stays quiet by intent. */
  private unusedSink(): string[] {
    const parts: string[] = this.m.enums.filter((e) => !this.usedLabels.has(e.name)).map((e) => e.name);
    for (const [name, d] of this.declared) {
      const full = mask(d.width);
      if (d.used === full) continue;
      if (d.used === 0n || d.param) { parts.push(name); continue; }
      let i = 0;
      while (i < d.width) {
        if ((d.used >> BigInt(i)) & 1n) { i++; continue; }
        let j = i;
        while (j + 1 < d.width && !((d.used >> BigInt(j + 1)) & 1n)) j++;
        parts.push(`${name}${bits(j, i)}`);
        i = j + 1;
      }
    }
    if (parts.length === 0) return [];
    return [`${IND}// Bits no logic reads (kept visible to lint as intentionally unused).`,
      `${IND}wire _unused_ok = &{1'b0, ${parts.join(', ')}, 1'b0};`];
  }

  private portList(): string {
    const rows = this.m.ports.map((p) => {
      const dir = p.kind === 'input' ? 'input ' : 'output';
      const kind = p.kind === 'output' && this.procedural.has(p) ? 'reg ' : 'wire';
      return { head: `${dir} ${kind} ${this.range(p)}`, name: p.name, note: [p.signed ? 'signed' : '', this.opts.locators && p.loc.known ? `${p.loc}` : ''].filter(Boolean).join('; ') };
    });
    const pad = Math.max(0, ...rows.map((r) => r.head.length));
    return rows.map((r, i) => {
      const comma = i < rows.length - 1 ? ',' : '';
      return `${IND}${r.head.padEnd(pad)}${r.name}${comma}${r.note ? ` // ${r.note}` : ''}`;
    }).join('\n');
  }

  private range(s: SignalIR): string {
    return s.param ? `[${s.param.name}-1:0] ` : range(s.width);
  }

  private loc(l: Loc): string {
    if (!this.opts.locators || !l.known) return '';
    return ` // ${l}`;
  }
}

function stripCasts(c: Canon): Canon {
  while (c.node.op === 'cast' && !c.node.userName) c = c.args[0]!;
  return c;
}

function bin(a: string, op: string, b: string): Printed {
  return { text: `${a} ${op} ${b}`, atomic: false };
}

function range(width: number): string {
  return width === 1 ? '' : `[${width - 1}:0] `;
}

function bits(hi: number, lo: number): string {
  return hi === lo ? `[${hi}]` : `[${hi}:${lo}]`;
}

export function literal(width: number, value: bigint): string {
  if (width === 1) return `1'b${value & 1n}`;
  return value < 65536n ? `${width}'d${value}` : `${width}'h${value.toString(16)}`;
}

/**
 * The bit pattern `value` (width bits, two's complement) as a signed literal: `-8'sd3` for a
 * negative value, `8'sd5` otherwise. Operands always have their node's exact width, so the literal's
 * signedness never changes how it is extended: the bits are the same as the unsigned pattern's.
 * With `plainIfPositive`, a non-negative value (and any 1-bit value) keeps the unsigned form.
 * The most negative value prints as `-8'sd128`: 8'sd128 is the pattern 8'h80, whose negation wraps to itself.
 */
export function signedLiteral(width: number, value: bigint, plainIfPositive = false): string {
  // One bit reads best as a bit: 1'sb1 (-1) in a signed comparison, 1'b1 elsewhere.
  if (width === 1) return plainIfPositive ? literal(1, value) : `1'sb${value & 1n}`;
  const negative = (value >> BigInt(width - 1)) & 1n;
  if (!negative) {
    if (plainIfPositive) return literal(width, value);
    return value < 65536n ? `${width}'sd${value}` : `${width}'sh${value.toString(16)}`;
  }
  const magnitude = (1n << BigInt(width)) - value;
  return magnitude < 65536n ? `-${width}'sd${magnitude}` : `-${width}'sh${magnitude.toString(16)}`;
}

/** A readable name for an expression from its operator and operands (a few levels deep). */
function hint(c: Canon, max: number, level = 0): string {
  const n = c.node;
  if (n.userName) return n.userName;
  switch (n.op) {
    case 'ref': return n.signal!.name;
    case 'const': return n.value < 1000n ? `c${n.value}` : 'k';
    case 'enum': return n.label!.toLowerCase();
    case 'cast': case 'zext': case 'sext': return level > 8 ? n.op : hint(c.args[0]!, max, level + 1);
    default: {
      if (level >= 3) return n.op;
      const text = [n.op, ...c.args.map((a) => hint(a, 16, level + 1))].join('_');
      return text.length > max ? text.slice(0, max).replace(/_+$/, '') : text;
    }
  }
}

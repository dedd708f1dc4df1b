/**
 * Memories: an array of words with synchronous (registered) read ports and enabled write ports,
 * all clocked by the clock domain current when the port is created. Emitted in the shape yosys
 * maps to block RAM; a memory with one single port (`singlePort`) is emitted in the shape yosys
 * maps to iCE40 SPRAM.
 */
import type { MemoryIR, MemoryStyle, Node, SignalIR } from './ir.js';
import type { Loc } from './location.js';
import { Loc as L } from './location.js';
import { reportError } from './context.js';
import { describeType, type BitsType, type ParamRef } from './types.js';
import { Signal, Value, coerceForAssign, constNode, describeNode, fits, mk, toCondition, zextNode, type ValueLike } from './value.js';
import type { ModuleBuilder } from './module.js';

export interface MemoryOptions {
  /** Word type (its width may be a parameter). */
  type: BitsType;
  /** Number of words; defaults to 2^addrWidth. */
  depth?: number;
  /** Address width; defaults to ceil(log2(depth)). May be a parameter (then depth = 2^ADDR_WIDTH). */
  addrWidth?: number | ParamRef;
  /** A $readmemh file loaded at start-up (path as the simulator / synthesis tool will see it). */
  init?: string;
  /** Synthesis hint `(* ram_style *)`: 'huge' lets yosys `synth_ice40 -spram` use SPRAM for sizes it would not pick alone (8192x8). */
  style?: MemoryStyle;
}

export interface SinglePortOptions {
  /** Word stored at the address on cycles when writeEnable is high (give both or neither). */
  writeData?: ValueLike;
  writeEnable?: ValueLike;
  /** The read data only loads on non-write cycles when this is high (default: every non-write cycle). */
  readEnable?: ValueLike;
  /** Name of the read data signal (default `<memory>_rdata`). */
  name?: string;
}

export class Memory {
  readonly ir: MemoryIR;

  constructor(private readonly b: ModuleBuilder, name: string, opts: MemoryOptions, loc: Loc) {
    const aw = opts.addrWidth;
    const addrWidth = typeof aw === 'number' ? aw : aw ? aw.value : Math.max(1, Math.ceil(Math.log2(Math.max(2, opts.depth ?? 2))));
    const depth = opts.depth ?? 2 ** addrWidth;
    if (!Number.isInteger(depth) || depth < 1 || depth > 2 ** addrWidth) {
      reportError('invalid-operation', `memory '${name}': depth ${depth} does not fit a ${addrWidth}-bit address`, loc);
    }
    if (typeof aw === 'object' && opts.depth !== undefined && opts.depth !== 2 ** aw.value) {
      reportError('param-width', `memory '${name}': with a parameter address width the depth is 2^${aw.name}; do not give depth`, loc);
    }
    this.ir = {
      name, width: opts.type.width, signed: opts.type.signed, widthParam: opts.type.param, depth, addrWidth,
      addrParam: typeof aw === 'object' ? aw : undefined, init: opts.init, style: undefined, readPorts: [], writePorts: [],
      singlePort: undefined, loc,
    };
    if (opts.style !== undefined) {
      if (opts.style === 'block' || opts.style === 'huge') this.ir.style = opts.style;
      else reportError('invalid-operation', `memory '${name}': style must be 'block' or 'huge', got ${JSON.stringify(opts.style)}`, loc);
      // iCE40 SPRAM powers up without contents, so an init file could never reach it.
      if (opts.style === 'huge' && opts.init !== undefined) reportError('invalid-operation', `memory '${name}': style 'huge' (SPRAM) cannot have init contents (${opts.init})`, loc);
    }
    b.ir.memories.push(this.ir);
  }

  get name(): string { return this.ir.name; }
  get depth(): number { return this.ir.depth; }
  get addrWidth(): number { return this.ir.addrWidth; }

  /**
   * A synchronous read port: the returned value is the word at `addr` one clock edge later
   * (only updated when `enable` and the enclosing when-conditions are high).
   */
  read(addr: ValueLike, opts: { enable?: ValueLike; name?: string } = {}): Value {
    const loc = L.capture();
    if (this.refuseBesideSinglePort('a read port', loc)) return new Value(constNode(0n, this.ir.width, this.ir.signed, this.ir.widthParam), this.b.ir);
    const index = this.ir.readPorts.length;
    const name = opts.name ?? (index === 0 ? `${this.ir.name}_rdata` : `${this.ir.name}_rdata${index}`);
    const type: { width: number; signed: boolean; param?: ParamRef } = { width: this.ir.width, signed: this.ir.signed };
    if (this.ir.widthParam) type.param = this.ir.widthParam;
    const data = this.b.newSignal(name, 'mem-read', type, loc);
    data.domain = this.b.currentDomain();
    this.ir.readPorts.push({
      addr: this.address(addr, loc), enable: this.enable(opts.enable, loc), data, domain: data.domain, loc,
    });
    return new Signal(data);
  }

  /** A write port: stores `data` at `addr` on the clock edge when `enable` (and the enclosing conditions) are high. */
  write(addr: ValueLike, data: ValueLike, enable?: ValueLike): void {
    const loc = L.capture();
    if (this.refuseBesideSinglePort('a write port', loc)) return;
    const value = coerceForAssign(this.wordTarget(), data, loc) ?? constNode(0n, this.ir.width, this.ir.signed, this.ir.widthParam);
    this.ir.writePorts.push({ addr: this.address(addr, loc), data: value, enable: this.enable(enable, loc), domain: this.b.currentDomain(), loc });
  }

  /**
   * The memory's only port, in the shape yosys maps to iCE40 SPRAM: one address per cycle; on a
   * cycle with writeEnable the word is written and the read data keeps its value; otherwise, when
   * readEnable is high (or not given), the read data is the addressed word one edge later. Both
   * enables are ANDed with the enclosing when conditions. A single-port memory has no other ports.
   */
  singlePort(addr: ValueLike, opts: SinglePortOptions = {}): Value {
    const loc = L.capture();
    const name = opts.name ?? `${this.ir.name}_rdata`;
    const type: { width: number; signed: boolean; param?: ParamRef } = { width: this.ir.width, signed: this.ir.signed };
    if (this.ir.widthParam) type.param = this.ir.widthParam;
    const data = this.b.newSignal(name, 'mem-read', type, loc);
    data.domain = this.b.currentDomain();
    const others = this.ir.singlePort ? `a single port (at ${this.ir.singlePort.loc})`
      : this.ir.readPorts.length || this.ir.writePorts.length ? `read/write ports (at ${[...this.ir.readPorts, ...this.ir.writePorts].map((p) => p.loc).join(', ')})` : '';
    if (others) {
      reportError('invalid-operation', `memory '${this.ir.name}' already has ${others}: a single-port memory has exactly one port`, loc);
      return new Signal(data);
    }
    if ((opts.writeData === undefined) !== (opts.writeEnable === undefined)) {
      reportError('invalid-operation', `single port of memory '${this.ir.name}': give writeData and writeEnable together (got only ${opts.writeData === undefined ? 'writeEnable' : 'writeData'})`, loc);
      return new Signal(data);
    }
    const writeData = opts.writeData === undefined ? undefined
      : coerceForAssign(this.wordTarget(), opts.writeData, loc) ?? constNode(0n, this.ir.width, this.ir.signed, this.ir.widthParam);
    this.ir.singlePort = {
      addr: this.address(addr, loc), writeData, writeEnable: writeData ? this.enable(opts.writeEnable, loc) : undefined,
      readEnable: this.enable(opts.readEnable, loc), data, domain: data.domain, loc,
    };
    return new Signal(data);
  }

  /** Reports a read/write port on a single-port memory; true when refused. */
  private refuseBesideSinglePort(what: string, loc: Loc): boolean {
    if (!this.ir.singlePort) return false;
    reportError('invalid-operation', `memory '${this.ir.name}' is single-port (its port is at ${this.ir.singlePort.loc}): it cannot also have ${what}`, loc);
    return true;
  }

  /** A stand-in signal for width checks of data written to a word. */
  private wordTarget(): SignalIR {
    return { name: `${this.ir.name} word`, width: this.ir.width, signed: this.ir.signed, param: this.ir.widthParam, module: this.b.ir } as unknown as SignalIR;
  }

  private enable(en: ValueLike | undefined, loc: Loc): Node | undefined {
    const path = this.b.pathCondition();
    const e = en === undefined ? undefined : toCondition(en, `enable of memory '${this.ir.name}'`);
    void loc;
    if (path && e) return mk('and', 1, false, [path, e]);
    return path ?? e;
  }

  private address(addr: ValueLike, loc: Loc): Node {
    const aw = this.ir.addrWidth;
    const desc = `address of memory '${this.ir.name}' (${aw} bits)`;
    if (!(addr instanceof Value)) {
      const v = BigInt(addr);
      if (!fits(v, aw, false) || v >= BigInt(this.ir.depth)) {
        reportError('width-mismatch', `constant ${v} is not a valid ${desc}, depth ${this.ir.depth}`, loc);
        return constNode(0n, aw, false);
      }
      if (this.ir.addrParam && v !== 0n) {
        reportError('param-width', `constant address ${v} of memory '${this.ir.name}': its address width is the parameter ${this.ir.addrParam.name}; only 0 can be a constant`, loc);
        return constNode(0n, aw, false, this.ir.addrParam);
      }
      return constNode(v, aw, false, this.ir.addrParam);
    }
    const n = addr.node;
    if (this.ir.addrParam || n.param) {
      if (n.param?.name !== this.ir.addrParam?.name) {
        reportError('param-width', `${describeNode(n)} (${describeType(n)}) must have the parameter-bound width of the ${desc}`, loc);
        return constNode(0n, aw, false);
      }
      return n;
    }
    if (n.signed) {
      reportError('signedness-mismatch', `${describeNode(n)} (${describeType(n)}) cannot be the ${desc}: addresses are unsigned`, loc);
      return constNode(0n, aw, false);
    }
    if (n.width > aw) {
      reportError('width-mismatch', `${describeNode(n)} (${describeType(n)}) is wider than the ${desc}; use .trunc(${aw})`, loc);
      return constNode(0n, aw, false);
    }
    return zextNode(n, aw, false);
  }
}

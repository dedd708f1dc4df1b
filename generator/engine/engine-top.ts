/**
 * The engine top (docs/engine.md "Dataflow"), built from the typed configuration: the memories of
 * the memory map (DSL memories, sizes from the configuration, ACT as peCols banks), the host bus,
 * the CSR block and the controller with its blocks. While the engine runs, the controller owns
 * every memory port; while it is idle, the host bus does (CSR accesses are always allowed).
 */
import { Bool, UInt, cat, defineModule, elaborate, lit, mux, select, type Value } from '../dsl/index.js';
import { writeVerilog } from '../emit/index.js';
import { configHash, type EngineConfig } from '../../sw/engine/config.js';
import { UP5K_SPRAMS, ice40Placement, memoryMap, type MemoryName } from '../../sw/engine/memory-map.js';
import { bankBitsOf } from './act-addr.js';
import { ActBankPair, ActBankSingle } from './act-bank.js';
import { Controller, controllerWidths } from './controller.js';
import { COUNTERS, CsrBlock } from './csr.js';
import { HostBus, hostAddrBits, type HostBusParams } from './host.js';

export interface EngineTopParams {
  config: EngineConfig;
  /**
   * SPRAMs the target has (default 4, the iCE40UP5K; 0 for the iCE40HX): `ice40Placement` puts the
   * activation bank copies and then the model memories that free the most block RAM into them.
   */
  sprams?: number;
}

/** Host bus parameters of a configuration (regions in memory-map order). */
export function hostBusParams(c: EngineConfig): HostBusParams {
  const map = memoryMap(c);
  return {
    regionShift: map.regionShift,
    regions: map.memories.map((mm) => (mm.name === 'ACT' ? { name: 'ACT', width: 8, depth: mm.depth * mm.banks } : { name: mm.name, width: mm.width, depth: mm.depth })),
  };
}

export function engineTopName(c: EngineConfig): string {
  return `sd_engine_${c.mode}_${configHash(c).slice(0, 8)}`;
}

/** Memories only the controller reads (the host loads them). */
const MODEL_MEMORIES: readonly MemoryName[] = ['DESC', 'CE', 'IDX', 'B', 'W', 'BIAS', 'QUANT'];

export const EngineTop = defineModule('sd_engine', (m, p: EngineTopParams) => {
  const { clk, rst } = m.clockAndReset();
  const c = p.config;
  const map = memoryMap(c);
  const cw = controllerWidths(c);
  const hp = hostBusParams(c);
  const Q = c.peCols;
  const bankBits = bankBitsOf(Q);

  const host = m.instance('host', HostBus(hp), {
    clk, rst,
    req_valid: m.input('req_valid', Bool), req_write: m.input('req_write', Bool),
    req_addr: m.input('req_addr', UInt(hostAddrBits(hp))), req_wdata: m.input('req_wdata', UInt(32)),
  });
  m.output('req_ready', Bool).set(host.port('req_ready'));
  m.output('resp_valid', Bool).set(host.port('resp_valid'));
  m.output('resp_rdata', UInt(32)).set(host.port('resp_rdata'));

  const ctl = m.instance('controller', Controller({ config: c }), { clk, rst });
  const busy = ctl.port('busy');
  host.port('busy').set(busy);
  m.output('busy', Bool).set(busy);

  const csr = m.instance('csr', CsrBlock({
    peRows: c.peRows, peCols: c.peCols, basis: c.basis, dimBits: cw.dims.dimBits, layerBits: cw.layerBits, resultBits: cw.resultBits,
    configId: Number.parseInt(configHash(c).slice(0, 8), 16), counterBits: c.counterBits,
  }), {
    clk, rst, we: host.port('csr_we'), re: host.port('csr_re'), addr: host.port('csr_addr'), wdata: host.port('csr_wdata'),
    busy, done: ctl.port('done'), error: ctl.port('error'), code: ctl.port('code'), layer: ctl.port('layer'), result: ctl.port('result'),
  });
  for (const k of COUNTERS) csr.port(`inc_${k.name}`).set(ctl.port(`inc_${k.name}`));
  host.port('csr_rdata').set(csr.port('rdata'));
  ctl.port('start').set(csr.port('start'));

  // Model memories: host writes, controller reads while busy, host reads while idle. Each is used
  // through one port per cycle (the host never reads and writes at once, nor while busy), so a read
  // is gated off on write cycles: then yosys needs no read-during-write bypass registers.
  const placement = ice40Placement(c, p.sprams ?? UP5K_SPRAMS);
  const inSpram = new Set(placement.spram);
  for (const mm of map.memories) {
    if (!MODEL_MEMORIES.includes(mm.name)) continue;
    const n = mm.name.toLowerCase();
    const we = host.port(`${n}_we`);
    const re = mux(busy, ctl.port(`${n}_re`), host.port(`${n}_re`));
    const raddr = mux(busy, ctl.port(`${n}_addr`), host.port(`${n}_addr`));
    // One memory, SPRAM or block RAM as placed: written by the host, read by whoever owns the bus.
    const memory = (name: string, width: number, wdata: Value, wen: Value): Value => {
      if (inSpram.has(mm.name)) {
        return m.memory(name, { type: UInt(width), depth: mm.depth, style: 'huge' }).singlePort(raddr, { writeData: wdata, writeEnable: wen, readEnable: re });
      }
      const mem = m.memory(name, { type: UInt(width), depth: mm.depth });
      mem.write(host.port(`${n}_addr`), wdata, wen);
      return mem.read(raddr, { enable: re.and(wen.not()) });
    };
    // A memory wider than a host word is one memory per 32-bit part, each written by its own host word.
    const parts = Math.ceil(mm.width / 32);
    const data = parts === 1
      ? memory(n, mm.width, host.port(`${n}_wdata`), we)
      : cat(...Array.from({ length: parts }, (_, k) => {
        const w = Math.min(32, mm.width - 32 * k);
        return memory(`${n}_p${k}`, w, host.port(`${n}_wdata`).trunc(w), we.bit(k));
      }).reverse());
    ctl.port(`${n}_rdata`).set(data);
    host.port(`${n}_rdata`).set(data);
  }

  // LOGITS: the controller writes the final layer and reads it back for the argmax afterwards; the
  // host reads (and may write) while idle. Reads and writes never share a cycle.
  const logits = m.memory('logits', { type: UInt(c.accBits), depth: c.logitsDepth });
  const logitsWe = mux(busy, ctl.port('logits_we'), host.port('logits_we'));
  logits.write(mux(busy, ctl.port('logits_waddr'), host.port('logits_addr')), mux(busy, ctl.port('logits_wdata'), host.port('logits_wdata')), logitsWe);
  const logitsRe = mux(busy, ctl.port('logits_re'), host.port('logits_re')).and(logitsWe.not());
  const logitsData = logits.read(mux(busy, ctl.port('logits_addr'), host.port('logits_addr')), { enable: logitsRe });
  ctl.port('logits_rdata').set(logitsData);
  host.port('logits_rdata').set(logitsData);

  // ACT: byte a in bank a mod P_c at word a div P_c. In SPRAM each bank is a pair of single-port
  // copies (act-bank.ts): layer i reads copy i mod 2 and writes the other; the host writes both and
  // reads copy (LAYER mod 2), the one the last layer run (or stopped on) read: its input feature
  // map. Without SPRAM a bank is one block RAM with a read and a write port.
  const bankOf = (a: Value): Value => (bankBits > 0 ? a.slice(bankBits - 1, 0) : lit(0, UInt(1)));
  const wordOf = (a: Value): Value => a.slice(a.width - 1, bankBits).resize(cw.actWord);
  const hostAct = host.port('act_addr');
  const hostWord = wordOf(hostAct).named('host_act_word');
  const ctlWaddr = ctl.port('act_waddr');
  const ctlWord = wordOf(ctlWaddr).named('ctl_act_word');
  const readCopy = ctl.port('layer').bit(0).named('act_read_copy');
  const hostBankQ = m.reg('host_bank_q', UInt(Math.max(1, bankBits)), { init: 0, enable: host.port('act_re') });
  hostBankQ.set(bankOf(hostAct).resize(hostBankQ.width));
  const bankData: Value[] = [];
  for (let b = 0; b < Q; b++) {
    const hostHit = bankBits > 0 ? bankOf(hostAct).eq(b) : lit(1, Bool);
    const ctlHit = bankBits > 0 ? bankOf(ctlWaddr).eq(b) : lit(1, Bool);
    const re = mux(busy, ctl.port(`act_re${b}`), host.port('act_re').and(hostHit));
    const raddr = mux(busy, ctl.port(`act_raddr${b}`), hostWord);
    const we = mux(busy, ctl.port('act_we').and(ctlHit), host.port('act_we').and(hostHit));
    const waddr = mux(busy, ctlWord, hostWord);
    const wdata = mux(busy, ctl.port('act_wdata'), host.port('act_wdata'));
    const bank = inSpram.has('ACT')
      ? m.instance(`act${b}`, ActBankPair({ depth: c.actDepth }), { clk, rst, sel: readCopy, wboth: busy.not(), re, raddr, we, waddr, wdata })
      : m.instance(`act${b}`, ActBankSingle({ depth: c.actDepth }), { clk, rst, re, raddr, we, waddr, wdata });
    const data = bank.port('rdata');
    ctl.port(`act_rdata${b}`).set(data);
    bankData.push(data);
  }
  host.port('act_rdata').set(bankBits > 0 ? select(hostBankQ, bankData) : bankData[0]!);
}, { name: (p) => engineTopName(p.config) + (p.sprams !== undefined && p.sprams !== UP5K_SPRAMS ? `_spram${p.sprams}` : '') });

export interface GeneratedEngine {
  top: string;
  /** Every module's file, children first. */
  files: string[];
  irCells: number;
  modules: number;
}

/** Elaborates the engine of a configuration and writes one Verilog file per module into `outDir` (atomically). */
export function generateEngine(c: EngineConfig, outDir: string): GeneratedEngine {
  const design = elaborate(EngineTop({ config: c }));
  const files = writeVerilog(design, outDir);
  return { top: design.top.name, files, irCells: design.cellCount(), modules: design.modules.length };
}

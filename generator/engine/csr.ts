/**
 * The CSR block (docs/engine.md "CSR block"): host region 0. Control (start), status, error code
 * and layer, the argmax result, a configuration id, and the performance counters. The word map
 * below is THE description: the RTL, the harness and the docs read it from here.
 *
 * Counters are `counterBits` wide (configuration, default 32; read zero-extended to 32 bits), wrap,
 * clear on start and count only while the engine is busy. Their
 * meaning follows the golden model's events (sw/engine/events.ts); `cycles` and `stalls` follow
 * the cycle model (sw/engine/cycle-model.ts). They live in block RAM (counter-bank.ts): a counter
 * read is exact while the engine is idle and answers 0 while it is busy and in the first cycle
 * after busy falls (a host that waits for STATUS idle never reads then).
 */
import { Bool, UInt, cat, defineModule, lit, mux, select, type Value } from '../dsl/index.js';
import { CounterBank } from './counter-bank.js';
import { bitsForValue as bitsFor } from '../../sw/engine/fields.js';

/** Word offsets of the fixed registers. */
export const CSR = {
  /** write bit 0 = 1: start a run (ignored while busy) */
  CTRL: 0,
  /** bit 0 busy, bit 1 done, bit 2 error */
  STATUS: 1,
  /** error code of the last run (0 = none; sw/engine/descriptor.ts ERROR_CODES) */
  ERROR: 2,
  /** argmax of the final layer's logits, ties to the lowest index */
  RESULT: 3,
  /** index of the layer the engine stopped on (error) or of the final layer */
  LAYER: 4,
  /** low 32 bits of the configuration hash (sw/engine/config.ts configHash) */
  CONFIG_ID: 5,
  /** first counter word */
  COUNTERS: 8,
} as const;

/** What the increment widths depend on. */
export interface CounterWidthParams { peRows: number; peCols: number; basis: number; dimBits: number }

export interface CounterSpec {
  name: CounterName;
  /** Bits of the per-cycle increment the controller drives. */
  incBits: (p: CounterWidthParams) => number;
  doc: string;
}

export const COUNTER_NAMES = [
  'cycles', 'macs', 'rowsSkipped', 'rowsWalked', 'stalls',
  'descReads', 'weightReads', 'idxReads', 'bReads', 'biasReads', 'quantReads',
  'actReads', 'actWrites', 'logitsWrites', 'rebuiltWeights', 'rebuildShiftAdds',
] as const;
export type CounterName = (typeof COUNTER_NAMES)[number];


/** Counters in CSR order (word CSR.COUNTERS + index). */
export const COUNTERS: readonly CounterSpec[] = [
  { name: 'cycles', incBits: () => 1, doc: 'cycles from start to done' },
  { name: 'macs', incBits: (p) => bitsFor(p.peRows * p.peCols), doc: 'int8 MACs issued (lanes x valid pixels per tap; padding taps included)' },
  { name: 'rowsSkipped', incBits: (p) => p.dimBits, doc: 'matrix rows the index selector skipped, per walk (rows - kept)' },
  { name: 'rowsWalked', incBits: () => 1, doc: 'rows walked (CE or W words used), per walk' },
  { name: 'stalls', incBits: () => 1, doc: 'cycles of a MAC layer in which no tap entered the pipelines' },
  { name: 'descReads', incBits: () => 1, doc: 'DESC words read' },
  { name: 'weightReads', incBits: () => 1, doc: 'CE (sd) or W (dense) words read' },
  { name: 'idxReads', incBits: () => 1, doc: 'IDX words read (count words and entries)' },
  { name: 'bReads', incBits: () => 1, doc: 'B words read (lane register reloads)' },
  { name: 'biasReads', incBits: () => 1, doc: 'BIAS words read' },
  { name: 'quantReads', incBits: () => 1, doc: 'QUANT words read' },
  { name: 'actReads', incBits: (p) => bitsFor(p.peCols), doc: 'ACT bytes read by the engine (all banks)' },
  { name: 'actWrites', incBits: () => 1, doc: 'ACT bytes written by the engine' },
  { name: 'logitsWrites', incBits: () => 1, doc: 'LOGITS words written' },
  { name: 'rebuiltWeights', incBits: (p) => bitsFor(p.peRows), doc: 'weights rebuilt (lanes per tap, sd)' },
  { name: 'rebuildShiftAdds', incBits: (p) => bitsFor(p.peRows * p.basis), doc: 'shift-add terms (non-zero Ce codes per tap, sd)' },
];

/** Host words the CSR block decodes (a power of two; sw/engine/memory-map.ts CSR_WORDS must hold it). */
export const CSR_DECODED_WORDS = 32;

export function counterWord(name: CounterName): number {
  return CSR.COUNTERS + COUNTER_NAMES.indexOf(name);
}

export interface CsrParams extends CounterWidthParams {
  /** Bits of the error-layer register. */
  layerBits: number;
  /** Bits of the result register. */
  resultBits: number;
  /** Low 32 bits of the configuration hash. */
  configId: number;
  /** Bits of each counter (16..32). */
  counterBits: number;
}

/**
 * Registers of the CSR block. Host reads answer one cycle after the request (`rdata`), like the
 * memories. `start` pulses for one cycle when the host writes CTRL bit 0 while the engine is idle.
 * Counter words read 0 while the engine is busy and in the first cycle after busy falls (the
 * counter bank is not `readable` then: its flush and the last increment are still landing).
 */
export const CsrBlock = defineModule('sd_csr', (m, p: CsrParams) => {
  const { clk, rst } = m.clockAndReset();
  const addrBits = Math.log2(CSR_DECODED_WORDS);
  const we = m.input('we', Bool);
  const re = m.input('re', Bool);
  const addr = m.input('addr', UInt(addrBits));
  const wdata = m.input('wdata', UInt(32));
  const rdata = m.output('rdata', UInt(32));
  const start = m.output('start', Bool);
  const busy = m.input('busy', Bool);
  const done = m.input('done', Bool);
  const error = m.input('error', Bool);
  const code = m.input('code', UInt(3));
  const layer = m.input('layer', UInt(p.layerBits));
  const result = m.input('result', UInt(p.resultBits));
  const incs = COUNTERS.map((c) => m.input(`inc_${c.name}`, UInt(c.incBits(p))));

  const go = we.and(addr.eq(CSR.CTRL)).and(wdata.bit(0)).and(busy.not()).named('go');
  start.set(go);
  const isCounter = addr.ge(CSR.COUNTERS).and(addr.lt(CSR.COUNTERS + COUNTERS.length)).named('is_counter');
  const bank = m.instance('counters', CounterBank({ incBits: COUNTERS.map((c) => c.incBits(p)), counterBits: p.counterBits }), {
    clk, rst, go, busy, index: addr.sub(CSR.COUNTERS).trunc(Math.log2(COUNTERS.length)),
    ...Object.fromEntries(incs.map((v, i) => [`inc${i}`, v])),
  });
  const counterRead = re.and(isCounter).and(bank.port('readable')).named('counter_read');
  // Counter words stay 0 in the register map: read while not readable, they answer 0.
  const words: Value[] = new Array<Value>(CSR_DECODED_WORDS).fill(lit(0, UInt(32)));
  words[CSR.STATUS] = cat(error, done, busy).zext(32);
  words[CSR.ERROR] = code.zext(32);
  words[CSR.RESULT] = result.zext(32);
  words[CSR.LAYER] = layer.zext(32);
  words[CSR.CONFIG_ID] = lit(p.configId >>> 0, UInt(32));
  const rq = m.reg('rdata_q', UInt(32), { init: 0, enable: re });
  rq.set(select(addr, words));
  const fromBank = m.reg('counter_read_q', Bool, { init: 0 });
  fromBank.set(counterRead);
  rdata.set(mux(fromBank, bank.port('value').zext(32), rq));
  return { we, re, addr, wdata, rdata, start, busy, done, error, code, layer, result };
});

/**
 * The performance counters of the CSR block in block RAM (docs/engine.md "Counters in block RAM").
 * Sixteen counters as registers with an adder each cost about 1000 iCE40 logic cells; here the
 * totals live in a small memory and each counter keeps only a narrow pending sum in flip-flops.
 * Every path into and out of the bank starts at a register or the memory (timing):
 *
 * - The increments are registered first (`inc_q`, zeroed on idle cycles), so a busy cycle's
 *   increment reaches its pending sum one cycle later: pend <= pend + inc_q.
 * - While the engine is busy, a flush walks the counters round robin, two cycles per counter. The
 *   read cycle reads total[k] and registers pend[k] and whether k is fresh beside it (`picked_q`,
 *   `fresh_q`); pend[k] restarts from that cycle's inc_q. The write cycle
 *   writes (fresh_q ? 0 : total[k]) + picked_q back. Read and write never share a cycle, so yosys
 *   needs no read-during-write bypass logic (measured: 54 flip-flops and 28 LUT4 for a 16 x 24
 *   memory).
 * - A pending sum collects the increments of at most FLUSH_PERIOD + 1 busy cycles between two of
 *   its read cycles (`pendBitsOf`; the extra one when the engine pauses).
 * - `go` (idle only) zeroes every counter at once: pend[i] restarts at 0 (the increment still in
 *   `inc_q` belongs to the previous run) and the stored totals count as 0 until the flush has
 *   visited them. The flush restarts at counter 0, so one flag (`first_sweep`) and the slot say
 *   which: counter k is fresh while first_sweep and k >= the next slot (reset does the same, so
 *   a never-started engine reads 0). A flush write due in go's cycle still lands, but is fresh.
 * - A host read is exact in a `readable` cycle: not busy, and not the first cycle after busy
 *   fell (the last increment is still in `inc_q` and the last flush write may be due then). It
 *   picks like a flush read (the memory at `index`, pend[index], whether it is fresh) and `value`
 *   answers one cycle later: (fresh_q ? 0 : total) + picked_q, the flush write's sum.
 */
import { Bool, UInt, defineModule, lit, mux, select } from '../dsl/index.js';
import { bitsForValue as bitsFor } from '../../sw/engine/fields.js';

export interface CounterBankParams {
  /** Bits of each counter's per-cycle increment (one entry per counter; a power of two of them). */
  incBits: readonly number[];
  /** Bits of each total (the counters wrap). */
  counterBits: number;
}


/** Busy cycles between two flushes of the same counter (a read and a write cycle per counter). */
export const flushPeriodOf = (counters: number): number => 2 * counters;

/**
 * Bits of a pending sum: FLUSH_PERIOD + 1 increments of at most 2^incBits - 1 each. A counter's
 * read cycles are at least FLUSH_PERIOD cycles apart, and at most two busy cycles (a read and its
 * write) fall to each of the counters' turns, so FLUSH_PERIOD busy cycles lie between two of its
 * read cycles; the sum also holds the increment of the cycle before the first (the previous
 * turn's write cycle), and loses the one of the cycle before the second only when the flush
 * runs without a pause.
 */
export function pendBitsOf(incBits: number, counters: number): number {
  return bitsFor((flushPeriodOf(counters) + 1) * (2 ** incBits - 1));
}

export const counterIndexBits = (counters: number): number => Math.log2(counters);

export const CounterBank = defineModule('sd_counter_bank', (m, p: CounterBankParams) => {
  m.clockAndReset();
  const n = p.incBits.length;
  if (n < 2 || !Number.isInteger(Math.log2(n))) throw new Error(`counter bank: ${n} counters, expected a power of two >= 2`);
  const ib = counterIndexBits(n);
  const W = p.counterBits;
  const go = m.input('go', Bool);
  const busy = m.input('busy', Bool);
  const index = m.input('index', UInt(ib));
  const incs = p.incBits.map((b, i) => m.input(`inc${i}`, UInt(b)));
  const value = m.output('value', UInt(W));
  const readable = m.output('readable', Bool);

  const busyQ = m.reg('busy_q', Bool, { init: 0 });
  busyQ.set(busy);
  readable.set(busy.or(busyQ).not());
  // Idle cycles' increments never count: they are zeroed here (a synchronous reset of inc_q).
  const incQ = p.incBits.map((b, i) => m.reg(`inc_q${i}`, UInt(b), { init: 0 }));
  incQ.forEach((r, i) => r.set(mux(busy, incs[i]!, lit(0, UInt(r.width)))));

  // phase: 0 = the next busy cycle is a flush read, 1 = this cycle writes the slot read last.
  const phase = m.reg('flush_phase', Bool, { init: 0 });
  const flushRead = busy.and(phase.not()).named('flush_read');
  phase.set(flushRead);
  // The slot last read; go and reset set it to the last counter, so the flush starts at 0.
  const slot = m.reg('slot_q', UInt(ib), { init: n - 1 });
  const nextSlot = slot.add(1).trunc(ib).named('next_slot');
  m.when(go, () => slot.set(n - 1)).elseWhen(flushRead, () => slot.set(nextSlot));
  // Set by go, cleared when the flush reads the last counter: every total is written by then.
  const firstSweep = m.reg('first_sweep', Bool, { init: 1 });
  m.when(go, () => firstSweep.set(1)).elseWhen(flushRead.and(nextSlot.eq(n - 1)), () => firstSweep.set(0));
  // Busy: the flush's slot; idle: the host's (the flush is done reading by then).
  const readIndex = mux(busy, nextSlot, index).named('read_index');

  const totals = m.memory('totals', { type: UInt(W), depth: n });
  const stored = totals.read(readIndex, { enable: phase.not() });

  const pends = p.incBits.map((b, i) => m.reg(`pend${i}`, UInt(pendBitsOf(b, n)), { init: 0 }));
  const pendWidth = Math.max(...pends.map((r) => r.width));
  const picked = m.reg('picked_q', UInt(pendWidth), { init: 0 });
  picked.set(select(readIndex, pends.map((r) => r.zext(pendWidth))));
  const freshPicked = m.reg('fresh_q', Bool, { init: 0 });
  freshPicked.set(firstSweep.and(readIndex.ge(nextSlot)));

  const base = mux(freshPicked, lit(0, UInt(W)), stored).named('stored_or_zero');
  const sum = base.add(picked).trunc(W).named('total_sum');
  totals.write(slot, sum, phase);
  value.set(sum);

  // A restart loads inc_q: a multiplexer on the increment's low bits only, a synchronous reset on
  // the others (the adder's LUT then drives only its flip-flop: one logic cell per bit).
  pends.forEach((r, i) => {
    const flushed = flushRead.and(nextSlot.eq(i)).named(`flushed${i}`);
    const added = r.add(incQ[i]!).trunc(r.width);
    r.set(mux(go, lit(0, UInt(r.width)), mux(flushed, incQ[i]!.zext(r.width), added)));
  });
  return { go, busy, index, value, readable };
});

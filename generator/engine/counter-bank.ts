/**
 * The performance counters of the CSR block in block RAM (docs/engine.md "Counters in block RAM").
 * Sixteen counters as registers with an adder each cost about 1000 iCE40 logic cells; here the
 * totals live in a small memory and each counter keeps only a narrow pending sum in flip-flops:
 *
 * - While the engine is busy, a flush walks the counters round robin, two cycles per counter: a
 *   read cycle (total[k] from the memory) and a write cycle (total[k] + pend[k] written back, and
 *   pend[k] restarts from that cycle's increment). Read and write never share a cycle, so yosys
 *   needs no read-during-write bypass logic (measured: 54 flip-flops and 28 LUT4 for a 16 x 24
 *   memory). The write is one atomic step, so a write that the host's read pre-empts (idle only)
 *   is simply dropped and loses nothing.
 * - A counter is flushed every FLUSH_PERIOD = 2 x counters busy cycles, so its pending sum holds
 *   at most FLUSH_PERIOD increments (`pendBitsOf`).
 * - `go` zeroes every counter at once: each gets a "fresh" flag that makes its stored total read
 *   as 0 until its first write (reset sets them too, so a never-started engine reads 0).
 * - A host read (`read`, honoured only while idle) reads the memory instead of the flush and
 *   answers one cycle later on `value`: total + pend, exact because nothing counts while idle.
 *   While busy the flush owns the memory; the CSR block answers counter reads with 0 then.
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

/** Bits of a pending sum: FLUSH_PERIOD increments of at most 2^incBits - 1 each. */
export function pendBitsOf(incBits: number, counters: number): number {
  return bitsFor(flushPeriodOf(counters) * (2 ** incBits - 1));
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
  const read = m.input('read', Bool);
  const index = m.input('index', UInt(ib));
  const incs = p.incBits.map((b, i) => m.input(`inc${i}`, UInt(b)));
  const value = m.output('value', UInt(W));

  // phase: 0 = the next busy cycle reads a total, 1 = this cycle writes it back.
  const phase = m.reg('flush_phase', Bool, { init: 0 });
  const hostRead = read.and(busy.not()).named('host_read');
  const flushRead = busy.and(phase.not()).named('flush_read');
  const write = phase.and(hostRead.not()).named('flush_write');
  phase.set(flushRead);
  // The slot last read: the counter being flushed (or the host's); the flush walks on from it.
  const slot = m.reg('slot_q', UInt(ib), { init: 0, enable: hostRead.or(flushRead) });
  const readIndex = mux(hostRead, index, slot.add(1).trunc(ib)).named('read_index');
  slot.set(readIndex);

  const totals = m.memory('totals', { type: UInt(W), depth: n });
  const stored = totals.read(readIndex, { enable: hostRead.or(flushRead).and(write.not()) });

  const fresh = p.incBits.map((_, i) => m.reg(`fresh${i}`, Bool, { init: 1 }));
  const pends = p.incBits.map((b, i) => m.reg(`pend${i}`, UInt(pendBitsOf(b, n)), { init: 0 }));
  const pendWidth = Math.max(...pends.map((r) => r.width));
  const pendOfSlot = select(slot, pends.map((r) => r.zext(pendWidth))).named('pend_of_slot');
  const base = mux(select(slot, fresh), lit(0, UInt(W)), stored).named('stored_or_zero');
  const sum = base.add(pendOfSlot).trunc(W).named('total_sum');
  totals.write(slot, sum, write);
  value.set(sum);

  // A restart (go, or this counter's flush write) loads this cycle's increment: go comes only
  // while idle, when the increment counts as 0.
  pends.forEach((r, i) => {
    const restart = go.or(write.and(slot.eq(i))).named(`restart${i}`);
    m.when(restart, () => r.set(mux(busy, incs[i]!.zext(r.width), lit(0, UInt(r.width)))))
      .elseWhen(busy, () => r.set(r.add(incs[i]!).trunc(r.width)));
    m.when(go, () => fresh[i]!.set(1)).elseWhen(restart, () => fresh[i]!.set(0));
  });
  return { go, busy, read, index, value };
});

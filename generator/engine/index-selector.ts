/**
 * Index selector (docs/engine.md "Index selector"): walks one pruning group's kept-row list in the
 * IDX memory and hands out one kept row per cycle, so pruned rows are never fetched, rebuilt or
 * multiplied. IDX layout (sw/engine/memory-map.ts): at `base` a count word (low cBits), then one
 * entry per kept row in ascending row order: c (bits 0..cBits-1; conv1/linear: the row number),
 * kh (next 2 bits), block (next blockBits).
 *
 * The memory port is synchronous with a read enable whose data stays put while the enable is low
 * (the DSL memory and iCE40 block RAM behave so). The read-data register is the output register:
 * the next entry is read in the cycle the current one is taken (`out_valid & out_ready`), so the
 * walk streams one row per cycle. Timing: `start` at cycle t reads the count, the first entry is
 * valid from t+2; an empty list raises `done` at t+1 with no `out_valid` at all.
 */
import { Bool, UInt, defineModule, mux } from '../dsl/index.js';

export interface IndexSelectorParams {
  /** IDX address bits. */
  addrBits: number;
  /** Bits of the c field (and of the count word). */
  cBits: number;
  /** Bits of the block field. */
  blockBits: number;
}

export function idxEntryWidth(p: Pick<IndexSelectorParams, 'cBits' | 'blockBits'>): number {
  return p.cBits + 2 + p.blockBits;
}

export const IndexSelector = defineModule('sd_index_selector', (m, p: IndexSelectorParams) => {
  m.clockAndReset();
  const width = idxEntryWidth(p);
  const start = m.input('start', Bool);
  const base = m.input('base', UInt(p.addrBits));
  const memAddr = m.output('mem_addr', UInt(p.addrBits));
  const memEn = m.output('mem_en', Bool);
  const memData = m.input('mem_data', UInt(width));
  const outReady = m.input('out_ready', Bool);
  const outValid = m.output('out_valid', Bool);
  const outC = m.output('out_c', UInt(p.cBits));
  const outKh = m.output('out_kh', UInt(2));
  const outBlock = m.output('out_block', UInt(p.blockBits));
  const outIndex = m.output('out_index', UInt(p.cBits));
  const outLast = m.output('out_last', Bool);
  const done = m.output('done', Bool);
  const busy = m.output('busy', Bool);

  // Two state flags instead of an FSM register: idle is neither. out_ready (the consumer's fetch,
  // late in the cycle) only gates terms formed from these registers, so each register's enable is
  // one LUT past it; `last` keeps left == 1 ready for the same reason.
  const counting = m.reg('counting', Bool, { init: 0 });          // mem_data holds the count word
  const walking = m.reg('walking', Bool, { init: 0 });            // mem_data holds an untaken entry
  const idle = counting.or(walking).not().named('idle');
  const ptr = m.reg('ptr', UInt(p.addrBits), { init: 0 });       // next IDX word to read
  const left = m.reg('left', UInt(p.cBits), { init: 0 });         // entries not yet taken, the one in mem_data included
  const last = m.reg('last', Bool, { init: 0 });                  // left == 1
  const index = m.reg('index_q', UInt(p.cBits), { init: 0 });     // position of the entry in mem_data
  const count = memData.slice(p.cBits - 1, 0);

  const opening = idle.and(start).named('opening');
  const first = counting.and(count.ne(0)).named('first');         // the count word names entries
  const empty = counting.and(count.eq(0)).named('empty');
  const more = walking.and(last.not()).named('more');             // a taken entry has a successor
  const taken = walking.and(outReady).named('taken');
  const readNext = more.and(outReady).named('read_next');
  // Reads the word at mem_addr; it shows on mem_data (and out_*) from the next cycle.
  const read = opening.or(first).or(readNext).named('read');
  memEn.set(read);
  memAddr.set(mux(idle, base, ptr));
  m.when(read, () => ptr.set(mux(idle, base, ptr).add(1).trunc(p.addrBits)));
  m.when(first, () => {
    left.set(count);
    last.set(count.eq(1));
  }).elseWhen(readNext, () => {
    left.set(left.sub(1).trunc(p.cBits));
    last.set(left.eq(2));
  });
  m.when(counting, () => index.set(0)).elseWhen(taken, () => index.set(index.add(1).trunc(p.cBits)));
  counting.set(opening);
  m.when(first, () => walking.set(1)).elseWhen(taken.and(last), () => walking.set(0));
  done.set(empty.or(taken.and(last)));

  outValid.set(walking);
  outC.set(count);
  outKh.set(memData.slice(p.cBits + 1, p.cBits));
  outBlock.set(memData.slice(width - 1, p.cBits + 2));
  outIndex.set(index);
  outLast.set(walking.and(last));
  busy.set(idle.not());
  return { start, base, memAddr, memEn, memData, outReady, outValid, outC, outKh, outBlock, outIndex, outLast, done, busy };
});

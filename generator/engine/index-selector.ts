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

  const ptr = m.reg('ptr', UInt(p.addrBits), { init: 0 });       // next IDX word to read
  // Defaults first: the FSM's statements sit where it is created, and the last assignment wins.
  memAddr.set(ptr);
  memEn.set(0);
  done.set(0);
  const fsm = m.fsm('walk', ['idle', 'count', 'rows'] as const);
  const left = m.reg('left', UInt(p.cBits), { init: 0 });         // entries not yet taken, the one in mem_data included
  const have = m.reg('have', Bool, { init: 0 });                  // mem_data holds an untaken entry
  const index = m.reg('index_q', UInt(p.cBits), { init: 0 });     // position of the entry in mem_data
  const count = memData.slice(p.cBits - 1, 0);

  const taken = have.and(outReady).named('taken');
  const nextPtr = ptr.add(1).trunc(p.addrBits);

  // Reads the entry at ptr; it shows on mem_data (and out_*) from the next cycle.
  const readEntry = (): void => {
    memEn.set(1);
    ptr.set(nextPtr);
    have.set(1);
  };

  fsm.state('idle', () => {
    memAddr.set(base);
    m.when(start, () => {
      memEn.set(1);
      ptr.set(base.add(1).trunc(p.addrBits));
      fsm.goto('count');
    });
  });
  fsm.state('count', () => {
    index.set(0);
    m.when(count.eq(0), () => {
      done.set(1);
      fsm.goto('idle');
    }).otherwise(() => {
      left.set(count);
      readEntry();
      fsm.goto('rows');
    });
  });
  fsm.state('rows', () => {
    m.when(taken, () => {
      index.set(index.add(1).trunc(p.cBits));
      m.when(left.eq(1), () => {
        have.set(0);
        done.set(1);
        fsm.goto('idle');
      }).otherwise(() => {
        left.set(left.sub(1).trunc(p.cBits));
        readEntry();
      });
    });
  });

  outValid.set(have);
  outC.set(count);
  outKh.set(memData.slice(p.cBits + 1, p.cBits));
  outBlock.set(memData.slice(width - 1, p.cBits + 2));
  outIndex.set(index);
  outLast.set(have.and(left.eq(1)));
  busy.set(mux(fsm.is('idle'), 0, 1));
  return { start, base, memAddr, memEn, memData, outReady, outValid, outC, outKh, outBlock, outIndex, outLast, done, busy };
});

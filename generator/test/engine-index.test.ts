/**
 * Index selector on a bench with a real IDX memory (DSL memory, loaded through a write port):
 * kept-row lists from random row-pruning masks (sw/sd prune order: ascending rows, (c, kh) =
 * (r div 3, r mod 3)), the empty list (all rows pruned), the full list (no row pruned), and a
 * consumer that stalls at random. The expected stream is the list itself, entry by entry.
 */
import { describe } from 'vitest';
import { Rng } from '../../common/rng.js';
import { Bool, UInt, defineModule } from '../dsl/index.js';
import { fromEmitted, type Simulation } from '../../verif/index.js';
import { simTest } from '../../verif/vitest.js';
import { emitBlock } from '../engine/check.js';
import { lintGateTest } from './helpers/lint-gate.js';
import { IndexSelector, idxEntryWidth, type IndexSelectorParams } from '../engine/index-selector.js';

const P: IndexSelectorParams = { addrBits: 10, cBits: 12, blockBits: 3 };
const block = emitBlock(IndexSelector(P));

const Bench = defineModule('idx_bench', (m) => {
  const { clk, rst } = m.clockAndReset();
  const we = m.input('we', Bool);
  const waddr = m.input('waddr', UInt(P.addrBits));
  const wdata = m.input('wdata', UInt(idxEntryWidth(P)));
  const mem = m.memory('idx', { type: UInt(idxEntryWidth(P)), depth: 2 ** P.addrBits });
  mem.write(waddr, wdata, we);
  const sel = m.instance('sel', IndexSelector(P), {
    clk, rst, start: m.input('start', Bool), base: m.input('base', UInt(P.addrBits)), out_ready: m.input('out_ready', Bool),
  });
  sel.port('mem_data').set(mem.read(sel.io.memAddr, { enable: sel.io.memEn }));
  for (const name of ['out_valid', 'out_c', 'out_kh', 'out_block', 'out_index', 'out_last', 'done', 'busy']) {
    const src = sel.port(name);
    m.output(name, UInt(src.width)).set(src);
  }
});
const bench = emitBlock(Bench());

interface Entry { c: number; kh: number; block: number }
const pack = (e: Entry): number => e.c | (e.kh << P.cBits) | (e.block << (P.cBits + 2));

/** Kept rows of a conv3 group with `channels` input channels; rows of `blockRows` form a block. */
function keptRows(rng: Rng, channels: number, keepProbability: number, blockRows: number): Entry[] {
  const out: Entry[] = [];
  for (let r = 0; r < channels * 3; r++) {
    if (rng.next() < keepProbability) out.push({ c: Math.floor(r / 3), kh: r % 3, block: Math.floor(r / blockRows) });
  }
  return out;
}

describe('index selector', () => {
  lintGateTest([block]);

  simTest('walks empty, full and random kept-row lists under random stalls', fromEmitted(bench.emitted), (sim: Simulation) => {
    const seed = 1234;
    const rng = new Rng(seed);
    const lists: Entry[][] = [[], keptRows(rng, 40, 1, 24), keptRows(rng, 1, 1, 24), [{ c: 2 ** P.cBits - 1, kh: 2, block: 7 }]];
    for (let i = 0; i < 40; i++) lists.push(keptRows(rng, rng.int(1, 60), [0, 1][rng.int(0, 4)] ?? rng.next(), rng.int(24, 48)));
    sim.set('rst', 1);
    sim.step();
    sim.set('rst', 0);
    let compared = 0;
    let stalls = 0;
    lists.forEach((list, li) => {
      // Load: count word, then entries, at a random base.
      const base = rng.int(0, 2 ** P.addrBits - list.length - 2);
      const words = [list.length, ...list.map(pack)];
      words.forEach((w, i) => { sim.drive({ we: 1, waddr: base + i, wdata: w }); sim.step(); });
      sim.set('we', 0);
      sim.drive({ start: 1, base, out_ready: 0 });
      sim.step();
      sim.set('start', 0);
      const what = (extra: string): string => `list ${li} (${list.length} rows) ${extra}, seed ${seed}`;
      if (list.length === 0) {
        sim.expect('done', 1, what('done for the empty list'));
        sim.expect('out_valid', 0, what('no row for the empty list'));
        sim.step();
        sim.expect('busy', 0, what('idle after the empty list'));
        compared += 3;
        return;
      }
      sim.expect('out_valid', 0, what('nothing in the count cycle'));
      sim.step();
      let i = 0;
      let guard = 0;
      while (i < list.length) {
        if (++guard > 10 * list.length + 10) throw new Error(what(`stuck at entry ${i}`));
        const ready = rng.int(0, 3) === 0 ? 0 : 1;
        sim.set('out_ready', ready);
        sim.expect('out_valid', 1, what(`entry ${i} valid`));
        const e = list[i]!;
        sim.expect('out_c', e.c, what(`entry ${i} c`));
        sim.expect('out_kh', e.kh, what(`entry ${i} kh`));
        sim.expect('out_block', e.block, what(`entry ${i} block`));
        sim.expect('out_index', i, what(`entry ${i} index`));
        sim.expect('out_last', i === list.length - 1 ? 1 : 0, what(`entry ${i} last`));
        sim.expect('done', ready && i === list.length - 1 ? 1 : 0, what(`entry ${i} done`));
        compared += 7;
        if (ready) i++;
        else stalls++;
        sim.step();
      }
      sim.set('out_ready', 0);
      sim.expect('out_valid', 0, what('no row after the last'));
      sim.expect('busy', 0, what('idle after the walk'));
    });
    console.log(`compared ${compared} selector outputs over ${lists.length} lists (${stalls} stall cycles; seed ${seed})`);
  });
});

/**
 * Max-pool and argmax units (docs/engine.md "Requantization and pooling").
 * - MaxPool2: the int8 maximum of one 2x2 window streamed one value per cycle, registered.
 *   Scale and zero point pass through unchanged, so the maximum of the codes is the result.
 * - Argmax: a stream of int32 logits; the index of the largest, ties to the lowest index (a later
 *   value replaces the best only when strictly greater), as `runInt` picks the label.
 */
import { Bool, SInt, UInt, defineModule, mux, type Value } from '../dsl/index.js';

export const MAXPOOL_LATENCY = 1;

const max = (a: Value, b: Value): Value => mux(b.gt(a), b, a);

/**
 * The window's four values arrive one per `in_valid` cycle (`in_first` with the first, `in_last`
 * with the last); a running maximum keeps one int8 register and one comparator (a whole window at
 * once took three of each and the values' registers upstream). `y` is the window's maximum the
 * cycle after its last value (`out_valid`), held until the next value.
 */
export const MaxPool2 = defineModule('sd_maxpool2', (m) => {
  m.clockAndReset();
  const inValid = m.input('in_valid', Bool);
  const inFirst = m.input('in_first', Bool);
  const inLast = m.input('in_last', Bool);
  const x = m.input('x', SInt(8));
  const outValid = m.output('out_valid', Bool);
  const y = m.output('y', SInt(8));
  const best = m.reg('max_q', SInt(8), { init: 0 });
  const validQ = m.reg('valid_q', Bool, { init: 0 });
  m.when(inValid, () => best.set(mux(inFirst, x, max(best, x))));
  validQ.set(inValid.and(inLast));
  y.set(best);
  outValid.set(validQ);
  return { inValid, inFirst, inLast, x, outValid, y };
});

export interface ArgmaxParams {
  valueBits: number;
  /** Bits of the index (classes up to 2^indexBits). */
  indexBits: number;
}

/**
 * `start` forgets everything (and may come with the first value); each `in_valid` cycle offers the
 * next value. `index` / `best` / `count` show the state after the values seen so far.
 */
export const Argmax = defineModule('sd_argmax', (m, p: ArgmaxParams) => {
  m.clockAndReset();
  const start = m.input('start', Bool);
  const inValid = m.input('in_valid', Bool);
  const value = m.input('value', SInt(p.valueBits));
  const index = m.output('index', UInt(p.indexBits));
  const bestOut = m.output('best', SInt(p.valueBits));
  const countOut = m.output('count', UInt(p.indexBits + 1));

  const count = m.reg('count_q', UInt(p.indexBits + 1), { init: 0 });
  const best = m.reg('best_q', SInt(p.valueBits), { init: 0 });
  const bestIndex = m.reg('index_q', UInt(p.indexBits), { init: 0 });
  const seen = mux(start, 0, count); // values already counted in this run
  const better = seen.eq(0).or(value.gt(best)).named('better');
  m.when(inValid, () => {
    count.set(seen.add(1).trunc(p.indexBits + 1));
    m.when(better, () => {
      best.set(value);
      bestIndex.set(seen.trunc(p.indexBits));
    });
  }).elseWhen(start, () => {
    count.set(0);
    bestIndex.set(0);
  });
  index.set(bestIndex);
  bestOut.set(best);
  countOut.set(count);
  return { start, inValid, value, index, best: bestOut, count: countOut };
});

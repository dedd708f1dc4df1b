/**
 * A free-running or modulo counter: counts up while `en` is high, from 0 to `wrap` (default the
 * largest `width`-bit value) and back to 0. `at_wrap` is high while the count sits at `wrap`, so
 * `en && at_wrap` marks the cycle that rolls over (a divided-down enable for other logic).
 */
import { Bool, UInt, defineModule, mux } from '../dsl/index.js';

export interface CounterParams {
  width: number;
  /** Last value before returning to 0; must fit in `width` bits. */
  wrap?: number;
}

export const Counter = defineModule('counter', (m, p: CounterParams) => {
  m.clockAndReset();
  const en = m.input('en', Bool);
  const q = m.output('q', UInt(p.width));
  const atWrap = m.output('at_wrap', Bool);
  const count = m.reg('count', UInt(p.width), { init: 0 });
  const last = p.wrap ?? 2 ** p.width - 1;
  const isLast = count.eq(last);
  // Without an explicit wrap value the adder's carry-out is simply dropped.
  const next = p.wrap === undefined ? count.add(1).trunc(p.width) : mux(isLast, 0, count.add(1).trunc(p.width));
  m.when(en, () => count.set(next));
  q.set(count);
  atWrap.set(isLast);
  return { en, q, at_wrap: atWrap };
}, { name: (p) => `counter_w${p.width}${p.wrap === undefined ? '' : `_wrap${p.wrap}`}` });

/**
 * Signed fixed-point multiply-accumulate. `a` and `b` are two's complement with `fracBits`
 * fraction bits each; their product (2 * fracBits fraction bits) is shifted right by `fracBits`
 * (arithmetic shift: rounds toward minus infinity) so the accumulator keeps `fracBits` fraction
 * bits too. Overflow either saturates to the accumulator's range (`overflow: 'saturate'`, and the
 * sticky `saturated` flag rises) or wraps modulo 2^accWidth (`overflow: 'wrap'`; `saturated` stays 0).
 * `clear` has priority over `en` and empties the accumulator and the flag.
 */
import { Bool, SInt, defineModule } from '../dsl/index.js';

export interface MacParams {
  aWidth: number;
  bWidth: number;
  fracBits: number;
  accWidth: number;
  overflow: 'saturate' | 'wrap';
}

export const Mac = defineModule('mac', (m, p: MacParams) => {
  m.clockAndReset();
  const a = m.input('a', SInt(p.aWidth));
  const b = m.input('b', SInt(p.bWidth));
  const en = m.input('en', Bool);
  const clear = m.input('clear', Bool);
  const accOut = m.output('acc', SInt(p.accWidth));
  const saturatedOut = m.output('saturated', Bool);

  const acc = m.reg('acc_q', SInt(p.accWidth), { init: 0 });
  const saturated = m.reg('saturated_q', Bool, { init: 0 });
  const product = a.mul(b).shr(p.fracBits).named('product');
  const sum = acc.add(product).named('sum');
  const next = p.overflow === 'saturate' ? sum.sat(p.accWidth) : sum.resize(p.accWidth);

  m.when(clear, () => {
    acc.set(0);
    saturated.set(0);
  }).elseWhen(en, () => {
    acc.set(next);
    if (p.overflow === 'saturate') m.when(next.ne(sum), () => saturated.set(1));
  });
  accOut.set(acc);
  saturatedOut.set(saturated);
  return { a, b, en, clear, acc: accOut, saturated: saturatedOut };
}, { name: (p) => `mac_a${p.aWidth}_b${p.bWidth}_f${p.fracBits}_acc${p.accWidth}_${p.overflow === 'saturate' ? 'sat' : 'wrap'}` });

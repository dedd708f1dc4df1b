/**
 * Power-on reset with an optional reset button: iCE40 flip-flops start at their init values
 * after configuration, so a counter that starts at 0 holds `rst` high for the first 2^bits
 * cycles. A button (active low, asynchronous to the clock) passes a two-flop synchroniser and
 * restarts the count, so `rst` is always released synchronously.
 */
import { Bool, UInt, defineModule } from '../../generator/dsl/index.js';

export interface ResetParams {
  /** Adds the `btn_n` input (active low). */
  button: boolean;
  /** Reset is held for 2^bits cycles after configuration or a button press. */
  bits: number;
}

export const PowerOnReset = defineModule('board_reset', (m, p: ResetParams) => {
  const clk = m.input('clk', Bool);
  m.setDefaultDomain(m.clockDomain(clk));   // no reset: these registers make it
  const rst = m.output('rst', Bool);
  const count = m.reg('count', UInt(p.bits), { init: 0 });
  const done = count.eq(2 ** p.bits - 1);
  const pressed = m.wire('pressed', Bool);
  if (p.button) {
    const btnN = m.input('btn_n', Bool);
    const sync1 = m.reg('btn_sync1', Bool, { init: 1 });
    const sync2 = m.reg('btn_sync2', Bool, { init: 1 });
    sync1.set(btnN);
    sync2.set(sync1);
    pressed.set(sync2.not());
  } else {
    pressed.set(0);
  }
  m.when(pressed, () => count.set(0)).elseWhen(done.not(), () => count.set(count.add(1).trunc(p.bits)));
  const rstQ = m.reg('rst_q', Bool, { init: 1 });   // registered: no glitch reaches the design
  rstQ.set(done.not().or(pressed));
  rst.set(rstQ);
  return { rst };
}, { name: (p) => `board_reset_b${p.bits}${p.button ? '_btn' : ''}` });

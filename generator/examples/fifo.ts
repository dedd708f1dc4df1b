/**
 * A synchronous first-word-fall-through FIFO with valid/ready streams on both sides. Words are
 * stored in the parameterised `Ram` primitive (block RAM on iCE40) plus one output register that
 * hides the RAM's one-cycle read latency, so it holds `depth + 1` words.
 *
 * WIDTH is a real Verilog parameter (overriding it reaches the RAM); DEPTH is fixed when the
 * module is generated, because the pointers do arithmetic and the DSL only allows parameter-bound
 * widths on values that are stored or passed through.
 */
import { Bool, Ram, UInt, defineModule, mux, stream } from '../dsl/index.js';

export interface FifoParams {
  width: number;
  /** Words in the RAM; a power of two >= 2. */
  depth: number;
}

export const Fifo = defineModule('fifo', (m, p: FifoParams) => {
  const addrWidth = Math.log2(p.depth);
  const { clk } = m.clockAndReset();
  const WIDTH = m.param('WIDTH', p.width);
  const input = m.input('in', stream(UInt(WIDTH)));
  const out = m.output('out', stream(UInt(WIDTH)));
  const level = m.output('level', UInt(addrWidth + 2));

  // Pointers carry one extra bit so that full (same index, other lap) differs from empty.
  const wptr = m.reg('wptr', UInt(addrWidth + 1), { init: 0 });
  const rptr = m.reg('rptr', UInt(addrWidth + 1), { init: 0 });
  const outValid = m.reg('out_full', Bool, { init: 0 });   // the output register holds a word
  const stored = wptr.sub(rptr).trunc(addrWidth + 1).named('stored');
  const ramEmpty = wptr.eq(rptr);
  const ramFull = stored.eq(p.depth);

  const push = input.valid.and(ramFull.not()).named('push');
  // Refill the output register whenever it is empty or being emptied this cycle.
  const pop = ramEmpty.not().and(outValid.not().or(out.ready)).named('pop');
  const ram = m.instance('ram', Ram({ width: p.width, addrWidth }), {
    clk, we: push, waddr: wptr.trunc(addrWidth), wdata: input.data, re: pop, raddr: rptr.trunc(addrWidth),
  }, { params: { WIDTH } });

  m.when(push, () => wptr.set(wptr.add(1).trunc(addrWidth + 1)));
  m.when(pop, () => rptr.set(rptr.add(1).trunc(addrWidth + 1)));
  m.when(pop, () => outValid.set(1)).elseWhen(out.ready, () => outValid.set(0));

  input.ready.set(ramFull.not());
  out.valid.set(outValid);
  out.data.set(ram.io.rdata);
  level.set(stored.add(mux(outValid, 1, 0)));
  return { in: input, out, level };
});

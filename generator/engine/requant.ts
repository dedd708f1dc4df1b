/**
 * Requantization unit (docs/engine.md "Requantization and pooling", docs/sw-compression.md
 * section 6): y = clamp(z_out + roundShift(acc * M, shift), lo, 127), lo = z_out with ReLU folded
 * in, else -128. One value per cycle, pipelined:
 *   stage 1: the acc x M product (signed 32 x unsigned 16 -> 49 bits) and the per-value controls;
 *   stage 2: rounding shift ((2p >>> shift) + 1) >>> 1, add z_out, clamp to [lo, 127].
 */
import { Bool, SInt, UInt, defineModule, mux } from '../dsl/index.js';

export interface RequantParams {
  accBits: number;
  /** Width of the unsigned multiplier M. */
  multiplierBits: number;
  /** Width of the right-shift field (6 bits: 0..63). */
  shiftBits: number;
}

export const REQUANT_LATENCY = 2;

export const Requant = defineModule('sd_requant', (m, p: RequantParams) => {
  m.clockAndReset();
  const inValid = m.input('in_valid', Bool);
  const acc = m.input('acc', SInt(p.accBits));
  const mult = m.input('mult', UInt(p.multiplierBits));
  const shift = m.input('shift', UInt(p.shiftBits));
  const zOut = m.input('z_out', SInt(8));
  const lo = m.input('lo', SInt(8));
  const outValid = m.output('out_valid', Bool);
  const y = m.output('y', SInt(8));

  const product = acc.mul(mult);
  const prodQ = m.reg('prod_q', SInt(product.width), { init: 0 });
  const shiftQ = m.reg('shift_q', UInt(p.shiftBits), { init: 0 });
  const zQ = m.reg('z_q', SInt(8), { init: 0 });
  const loQ = m.reg('lo_q', SInt(8), { init: 0 });
  const valid1 = m.reg('valid_q0', Bool, { init: 0 });
  prodQ.set(product);
  shiftQ.set(shift);
  zQ.set(zOut);
  loQ.set(lo);
  valid1.set(inValid);

  const scaled = prodQ.shl(1).sra(shiftQ).named('scaled'); // floor(p / 2^(shift-1)); 2p for shift 0
  const rounded = scaled.add(1).sra(1).named('rounded');
  const biased = rounded.add(zQ).named('biased');
  const clamped = mux(biased.gt(127), 127, mux(biased.lt(loQ), loQ, biased.resize(8))).named('clamped');
  const yQ = m.reg('y_q', SInt(8), { init: 0 });
  const valid2 = m.reg('valid_q1', Bool, { init: 0 });
  yQ.set(clamped);
  valid2.set(valid1);
  y.set(yQ);
  outValid.set(valid2);
  return { inValid, acc, mult, shift, zOut, lo, outValid, y };
});

/**
 * PE array (docs/engine.md "Convolution"): P_o rows (output channels, weight w<o> per row) by P_c
 * columns (output pixels, activation a<p> per column) of int8 x int8 multiply-accumulators with
 * 32-bit accumulators, output-stationary. Per cycle:
 *   load & en: acc = bias<o> + w*a      (first tap of a tile: no separate bias cycle)
 *   load:      acc = bias<o>
 *   en:        acc = acc + w*a
 *   neither:   hold
 * Sums wrap at accBits: the offline accBound check (docs/sw-compression.md section 6) guarantees
 * no real overflow, so no saturation logic is spent.
 *
 * Accumulator shadow: `capture` copies every accumulator (its value before this edge) into a
 * shadow register; asserted with the next tile's `load`, the finished tile drains through
 * `sh_sel` -> `sh_acc` (one value per cycle, index o * P_c + p) while the next tile computes.
 */
import { Bool, SInt, UInt, defineModule, mux, select, type Signal, type Value } from '../dsl/index.js';

export interface PeArrayParams {
  rows: number;
  cols: number;
  accBits: number;
}

/** Cycles from inputs to the updated accumulator outputs. */
export const PE_LATENCY = 1;

export const PeArray = defineModule('sd_pe_array', (m, p: PeArrayParams) => {
  m.clockAndReset();
  const load = m.input('load', Bool);
  const en = m.input('en', Bool);
  const capture = m.input('capture', Bool);
  const weights = Array.from({ length: p.rows }, (_, o) => m.input(`w${o}`, SInt(8)));
  const acts = Array.from({ length: p.cols }, (_, c) => m.input(`a${c}`, SInt(8)));
  const biases = Array.from({ length: p.rows }, (_, o) => m.input(`bias${o}`, SInt(p.accBits)));
  const selBits = Math.max(1, Math.ceil(Math.log2(p.rows * p.cols)));
  const shSel = m.input('sh_sel', UInt(selBits));
  const shAcc = m.output('sh_acc', SInt(p.accBits));

  const shadows: Value[] = [];
  const accs: Signal[] = [];
  for (let o = 0; o < p.rows; o++) {
    for (let c = 0; c < p.cols; c++) {
      const acc = m.reg(`acc_${o}_${c}`, SInt(p.accBits), { init: 0 });
      const product = weights[o]!.mul(acts[c]!).named(`prod_${o}_${c}`);
      const base = mux(load, biases[o]!, acc);
      m.when(en, () => acc.set(base.add(product).resize(p.accBits)))
        .elseWhen(load, () => acc.set(biases[o]!));
      const shadow = m.reg(`shadow_${o}_${c}`, SInt(p.accBits), { init: 0, enable: capture });
      shadow.set(acc);
      const out = m.output(`acc${o}_${c}`, SInt(p.accBits));
      out.set(acc);
      accs.push(out);
      shadows.push(shadow);
    }
  }
  shAcc.set(select(shSel, shadows));
  return { load, en, capture, weights, acts, biases, shSel, shAcc, accs };
});

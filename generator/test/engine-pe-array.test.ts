/**
 * PE array against a second implementation in plain TypeScript (int32 accumulators, wrap at 32
 * bits, written independently of the DSL): random streams of load / accumulate / hold with
 * extreme operands, and the shadow capture and drain.
 */
import { describe } from 'vitest';
import { Rng } from '../../common/rng.js';
import { fromEmitted, type Simulation } from '../../verif/index.js';
import { simTest } from '../../verif/vitest.js';
import { emitBlock } from '../engine/check.js';
import { lintGateTest } from './helpers/lint-gate.js';
import { PeArray, type PeArrayParams } from '../engine/pe-array.js';

const P: PeArrayParams = { rows: 4, cols: 2, accBits: 32 };
const block = emitBlock(PeArray(P));

const int8 = (rng: Rng): number => [-128, 127, 0][rng.int(0, 9)] ?? rng.int(-128, 127);

describe('PE array', () => {
  lintGateTest([block]);

  simTest('random load / accumulate / hold streams and shadow drains', fromEmitted(block.emitted), (sim: Simulation) => {
    const seed = 4242;
    const rng = new Rng(seed);
    const n = P.rows * P.cols;
    const acc = new Array<number>(n).fill(0);
    const shadow = new Array<number>(n).fill(0);
    let compared = 0;
    sim.set('rst', 1);
    sim.step();
    sim.set('rst', 0);
    for (let cycle = 0; cycle < 5000; cycle++) {
      const load = rng.int(0, 15) === 0 ? 1 : 0;
      const en = rng.int(0, 4) === 0 ? 0 : 1;
      const capture = load && rng.int(0, 1) ? 1 : rng.int(0, 31) === 0 ? 1 : 0;
      const w = Array.from({ length: P.rows }, () => int8(rng));
      const a = Array.from({ length: P.cols }, () => int8(rng));
      const bias = Array.from({ length: P.rows }, () => (rng.int(0, 7) === 0 ? [-(2 ** 31), 2 ** 31 - 1][rng.int(0, 1)]! : rng.int(-(2 ** 20), 2 ** 20)));
      const sel = rng.int(0, n - 1);
      sim.drive({ load, en, capture, sh_sel: sel });
      w.forEach((v, o) => sim.set(`w${o}`, v));
      a.forEach((v, c) => sim.set(`a${c}`, v));
      bias.forEach((v, o) => sim.set(`bias${o}`, v));
      sim.step();
      for (let o = 0; o < P.rows; o++) {
        for (let c = 0; c < P.cols; c++) {
          const i = o * P.cols + c;
          if (capture) shadow[i] = acc[i]!;
          const base = load ? bias[o]! : acc[i]!;
          if (en) acc[i] = (base + w[o]! * a[c]!) | 0; // int32 wrap
          else if (load) acc[i] = bias[o]!;
          sim.expect(`acc${o}_${c}`, acc[i]!, `cycle ${cycle}, load ${load} en ${en}, seed ${seed}`);
          compared++;
        }
      }
      sim.expect('sh_acc', shadow[sel]!, `shadow ${sel} at cycle ${cycle}, seed ${seed}`);
      compared++;
    }
    console.log(`compared ${compared} accumulator and shadow values over 5000 random cycles (seed ${seed})`);
  });
});

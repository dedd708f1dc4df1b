import { describe, expect, it } from 'vitest';
import { Rng } from '../../common/rng.js';
import { subset } from '../data/dataset.js';
import { loadMnist } from '../data/mnist.js';
import { presetSpec } from '../nn/presets.js';
import { layoutFor } from '../sd/blocks.js';
import { storageBits } from '../sd/storage.js';
import { DEFAULT_SD_CONFIG, trainSd } from '../sdtrain/finetune.js';
import { pruneFineTune, pruneMask } from '../sdtrain/prune-finetune.js';
import { DEFAULT_FLOAT_CONFIG, trainFloat } from '../train/run.js';

/** Independent reference: rows of a [O][I] weight (rows of 3 inputs, zero padded), pruned by group score then per output. */
function referenceRows(w: Float32Array, O: number, I: number, groupSize: number, fraction: number, outputFraction: number): boolean[][] {
  const R = Math.ceil(I / 3);
  const rowL1 = (o: number, r: number) => [0, 1, 2].reduce((a, j) => a + (3 * r + j < I ? Math.abs(w[o * I + 3 * r + j]!) : 0), 0);
  const out: boolean[][] = [];
  for (let g0 = 0; g0 < O; g0 += groupSize) {
    const outs = Array.from({ length: Math.min(O, g0 + groupSize) - g0 }, (_, k) => g0 + k);
    const score = Array.from({ length: R }, (_, r) => outs.reduce((a, o) => a + rowL1(o, r), 0));
    const byScore = [...score.keys()].sort((a, b) => score[a]! - score[b]! || a - b);
    const groupRows = new Set(byScore.slice(0, Math.floor(fraction * R)));
    for (const o of outs) {
      const rest = [...Array(R).keys()].filter((r) => !groupRows.has(r)).sort((a, b) => rowL1(o, a) - rowL1(o, b) || a - b);
      const own = new Set(rest.slice(0, Math.max(0, Math.floor(outputFraction * R) - groupRows.size)));
      out.push(Array.from({ length: R }, (_, r) => groupRows.has(r) || own.has(r)));
    }
  }
  return out;
}

describe('pruned float fine-tuning', () => {
  it('prunes the rows of an independent group-then-output reference', () => {
    let n = 0;
    for (const seed of [3, 4, 5]) {
      const rng = new Rng(seed);
      const [O, I, G] = [7, 20 + seed, 3];
      const w = Float32Array.from({ length: O * I }, () => rng.next() - 0.5);
      for (const [f, of] of [[0, 0.5], [0.3, 0], [0.3, 0.6], [0.5, 0.4]] as const) {
        const mask = pruneMask(w, [O, I], f, G, 3, of);
        const ref = referenceRows(w, O, I, G, f, of);
        for (let o = 0; o < O; o++) for (let i = 0; i < I; i++) {
          expect(mask[o * I + i] === 1, `seed ${seed} f ${f} of ${of} o ${o} i ${i}`).toBe(ref[o]![Math.floor(i / 3)]);
          n++;
        }
      }
    }
    console.log(`compared ${n} mask entries with the reference (seeds 3, 4, 5)`);
  });

  it('keeps pruned rows at zero through training, and SD then stores none of them and fewer bits', () => {
    const seed = 4;
    const train = subset(loadMnist('train'), 0, 1200), test = subset(loadMnist('test'), 0, 300);
    const float = trainFloat(presetSpec('mnist-tiny'), train, test, { ...DEFAULT_FLOAT_CONFIG, epochs: 1, seed });
    const cfg = { ...DEFAULT_SD_CONFIG, epochs: 1, seed, shift: 1, basis: 3, layerPrune: { conv2: 0.25, fc: 0.5 }, outputPrune: { fc: 0.7 } };
    const pruned = pruneFineTune(float.model, train, test, cfg);
    const fc = pruned.model.params.fc!.weight, I = 8 * 7 * 7, R = Math.ceil(I / 3);
    for (let o = 0; o < 10; o++) {
      const zeroRows = Array.from({ length: R }, (_, r) => [0, 1, 2].every((j) => 3 * r + j >= I || fc[o * I + 3 * r + j] === 0)).filter(Boolean).length;
      expect(zeroRows, `seed ${seed} fc output ${o}`).toBe(Math.floor(0.7 * R));
    }
    expect(pruned.history.at(-1)!.test.accuracy).toBeGreaterThan(0.5);
    const sdPruned = trainSd(pruned.model, train, test, { ...DEFAULT_SD_CONFIG, epochs: 1, seed, layerPrune: cfg.layerPrune });
    const sdDense = trainSd(float.model, train, test, { ...DEFAULT_SD_CONFIG, epochs: 1, seed });
    const stored = sdPruned.sd.fc!.blocks.map((bs) => bs.reduce((a, b) => a + b.rowMask.reduce((x, v) => x + v, 0), 0));
    for (const s of stored) expect(s).toBeLessThanOrEqual(R - Math.floor(0.7 * R));
    const bits = (r: typeof sdPruned) => Object.values(r.sd).reduce((a, l) => a + storageBits(l).totalBits, 0);
    expect(bits(sdPruned)).toBeLessThan(0.7 * bits(sdDense));
    expect(layoutFor([10, I]).rowsPerOutput).toBe(R);
    console.log(`compared zero rows of ${10} fc outputs with ${Math.floor(0.7 * R)} of ${R}; SD stored rows ${stored.join(',')}; bits pruned ${bits(sdPruned)} vs ${bits(sdDense)} (seed ${seed})`);
  });
});

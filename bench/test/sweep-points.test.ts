/**
 * The sweep points' engine side: the PE-shape configurations (hand-computed depths, valid
 * configurations), re-grouping for wide PE arrays (kept rows of a merged group = the union counted
 * from the model's row masks; the golden model still equals runInt), engine metrics against W4's
 * independent energyReport, and the Markdown table of a hand-made summary.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../common/rng.js';
import { energyReport } from '../../sw/energy/report.js';
import { loadConfig, parseConfig, configHash } from '../../sw/engine/config.js';
import { inputActImage } from '../../sw/engine/act-alloc.js';
import { runTiming } from '../../sw/engine/cycle-model.js';
import { GoldenEngine } from '../../sw/engine/golden.js';
import { packModel } from '../../sw/engine/pack.js';
import { randomImages, randomIntModel } from '../../sw/engine/random-model.js';
import { presetSpec } from '../../sw/nn/presets.js';
import { isMacLayer } from '../../sw/quant/int-model.js';
import { engineMetrics } from '../sweep/engine-metrics.js';
import { regroupForPeRows, shapeConfig } from '../sweep/points.js';
import type { SweepSummary } from '../sweep/store.js';
import { sweepTable } from '../sweep/table.js';

const base = loadConfig('configs/default.json').config;

describe('pe-shape configurations', () => {
  it('keeps CE/W bits and activation bytes of configs/default.json', () => {
    const cases: [number, number, { ceDepth: number; wDepth: number; actDepth: number }][] = [
      [1, 1, { ceDepth: 4096, wDepth: 4096, actDepth: 16384 }],
      [8, 2, { ceDepth: 512, wDepth: 512, actDepth: 8192 }],
      [4, 4, { ceDepth: 1024, wDepth: 1024, actDepth: 4096 }],
      [3, 1, { ceDepth: 2048, wDepth: 2048, actDepth: 16384 }], // 1024 * 4 / 3 = 1365.3 -> 2048
    ];
    for (const [r, c, want] of cases) {
      const cfg = shapeConfig(base, r, c);
      expect({ ceDepth: cfg.ceDepth, wDepth: cfg.wDepth, actDepth: cfg.actDepth }, `${r}x${c}`).toEqual(want);
      expect(() => parseConfig(cfg, `${r}x${c}`)).not.toThrow();
      expect(cfg.ceDepth * cfg.peRows).toBeGreaterThanOrEqual(base.ceDepth * base.peRows);
    }
    console.log(`compared ${cases.length} shapes' depths with hand-computed ones`);
  });
});

describe('re-grouping for wide PE arrays', () => {
  it('walks the union of the merged groups\' kept rows, and the golden model still equals runInt', () => {
    const seed = 5;
    const rng = new Rng(seed);
    const model = randomIntModel(rng, { spec: presetSpec('mnist-small'), sd: true, groupSize: 4, pruneFraction: 0.3 });
    const peRows = 8;
    const regrouped = regroupForPeRows(model, peRows);
    const config = shapeConfig(base, peRows, 2);
    const packed = packModel(regrouped, { config, source: 'test', hash: configHash(config) });
    let compared = 0;
    for (const placement of packed.layers) {
      const l = model.layers[placement.modelIndex]!;
      if (!isMacLayer(l) || !l.sd) continue;
      expect(regrouped.layers[placement.modelIndex]).toMatchObject({ sd: { groupSize: 8 } });
      // Independent count: a row is kept for outputs [8g, 8g+8) when any of them stores it.
      const rows = l.sd.layout.rowsPerOutput;
      const O = l.sd.layout.outChannels;
      const stored = (o: number, r: number): boolean => {
        let start = 0;
        for (const blk of l.sd!.blocks[o]!) {
          if (r < start + blk.rows) return blk.rowMask[r - start] === 1;
          start += blk.rows;
        }
        return false;
      };
      const want = Array.from({ length: Math.ceil(O / 8) }, (_, g) => {
        let n = 0;
        for (let r = 0; r < rows; r++) if (Array.from({ length: Math.min(8, O - 8 * g) }, (_, k) => 8 * g + k).some((o) => stored(o, r))) n++;
        return n;
      });
      expect(placement.keptRows, `layer ${placement.name}, seed ${seed}`).toEqual(want);
      compared += want.length;
    }
    // engineMetrics checks every golden label against runInt and throws on a difference.
    const images = randomImages(rng, 3, 28 * 28);
    const m = engineMetrics(regrouped, config, 'test', images);
    expect(m.images).toBe(3);
    console.log(`compared kept rows of ${compared} merged groups (seed ${seed}); golden = runInt on 3 images`);
  });
});

describe('engine metrics', () => {
  it('equal W4\'s energyReport and the cycle model on the same images', () => {
    const seed = 9;
    const rng = new Rng(seed);
    const model = randomIntModel(rng, { spec: presetSpec('mnist-small'), sd: true, pruneFraction: 0.25 });
    const images = randomImages(rng, 3, 28 * 28);
    const m = engineMetrics(model, base, 'configs/default.json', images);
    const lc = { config: base, source: 'configs/default.json', hash: configHash(base) };
    const packed = packModel(model, lc);
    const ref = energyReport(packed, base, images);
    for (const s of ['weights-resident', 'weights-streamed'] as const) {
      expect(m.energy[s].totalPj, `${s}, seed ${seed}`).toBeCloseTo(ref.perImage[s].totalPj, 6);
      expect(m.energy[s].offChipBytes).toBeCloseTo(ref.offChip[s].totalBytes, 9);
    }
    const golden = new GoldenEngine(base, packed.images);
    const cycles = images.map((px) => runTiming(golden.run(inputActImage(packed.map, packed.act, px)).layers, base, packed.images).cycles);
    expect(m.cyclesPerImage).toBeCloseTo(cycles.reduce((a, b) => a + b, 0) / cycles.length, 9);
    expect(m.weightBits).toBe(m.weightBitsBy.CE! + m.weightBitsBy.IDX! + m.weightBitsBy.B!);
    console.log(`compared energy (2 scenarios), DRAM bytes and cycles of 3 images with energyReport and runTiming (seed ${seed})`);
  });
});

describe('sweep table', () => {
  it('lists swept parameters and the numbers each point has; a failure shows its first line', () => {
    const summary: SweepSummary = {
      sweep: 'demo', date: '2026-11-24T12:00:00.000Z', machine: { cpu: 'CPU', cores: 2, memoryGiB: 1, os: 'os', node: 'v20' }, info: { quick: false },
      points: [
        { sweep: 'demo', hash: 'a', params: { x: 0.5, settings: { n: 1 } }, status: 'ok', result: { intAccuracy: 0.98125, cyclesPerImage: 1234.4, energy: { 'weights-resident': { totalPj: 2500 } } }, seconds: 1, finishedAt: '' },
        { sweep: 'demo', hash: 'b', params: { x: 0.8, settings: { n: 1 } }, status: 'error', error: 'boom\nstack', seconds: 1, finishedAt: '' },
      ],
    };
    expect(sweepTable(summary).split('\n')).toEqual([
      '# sweep demo (2026-11-24, 2 x CPU)',
      '',
      '| x | int accuracy | energy resident (nJ) | cycles / image |',
      '| --- | --- | --- | --- |',
      '| 0.5 | 98.13 % | 2.5 | 1,234 |',
      '| 0.8 | failed: boom |  |  |',
      '',
    ]);
    console.log('compared a 2-point table with the hand-written one');
  });
});

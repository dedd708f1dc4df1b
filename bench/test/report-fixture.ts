/** A small fixed results object for the report tests (numbers chosen by hand, not measured). */
import type { CompareResult, EngineSide, ReportInput } from '../report/types.js';

function side(o: { config: string; weightBits: Record<string, number>; cycles: number; residentPj: [number, number, number]; streamedPj: [number, number, number]; intAccuracy: number; lut4: number; fmax?: number }): EngineSide {
  const parts = (pj: [number, number, number]) => [
    { group: 'off-chip', name: 'DRAM image in', events: 6272, pjPerEvent: pj[0] / 6272, pj: pj[0] },
    { group: 'on-chip memory', name: 'ACT read', events: 1000, pjPerEvent: pj[1] / 1000, pj: pj[1] },
    { group: 'MAC', name: 'MAC', events: 100_000, pjPerEvent: pj[2] / 100_000, pj: pj[2] },
  ];
  const sum = (pj: [number, number, number]) => pj[0] + pj[1] + pj[2];
  return {
    config: o.config, weightBits: o.weightBits, weightBitsTotal: Object.values(o.weightBits).reduce((a, b) => a + b, 0),
    offChipBytes: { 'weights-resident': 824, 'weights-streamed': 824 + Object.values(o.weightBits).reduce((a, b) => a + b, 0) / 8 },
    accesses: { ACT: { reads: 1000, writes: 500 } }, cyclesPerImage: o.cycles,
    rtl: { images: 50, accuracy: 0.98, bitExact: true, imagesWithMismatch: 0 }, intAccuracy: o.intAccuracy, testImages: 10_000,
    energy: { 'weights-resident': { totalPj: sum(o.residentPj), parts: parts(o.residentPj) }, 'weights-streamed': { totalPj: sum(o.streamedPj), parts: parts(o.streamedPj) } },
    fpga: { board: 'hx8k', device: 'hx8k-ct256', source: 'synthesis-only', status: 'does-not-fit', lut4: o.lut4, ff: 3000, ebr: 60, spram: 0, dsp: 0, ...(o.fmax ? { fmaxMHz: o.fmax } : {}), failures: ['LUT4: needs more'] },
  };
}

export const FIXTURE_COMPARE: CompareResult = {
  bench: 'compare', quick: true, configs: { sd: 'configs/default.json', dense: 'configs/dense.json' },
  fpgaNote: 'fixture FPGA note.', energyNote: 'fixture energy note.',
  datasets: [{
    data: 'mnist', checkpoint: 'models/mnist-small-sd.ckpt',
    // SD: 20,648 weight bits, 1,000 pJ resident, 3,000 pJ streamed; dense: 85,248 bits, 2,500 pJ, 12,000 pJ.
    sd: side({ config: 'configs/default.json', weightBits: { CE: 12_624, IDX: 5_440, B: 2_584 }, cycles: 37_341, residentPj: [100, 400, 500], streamedPj: [2100, 400, 500], intAccuracy: 0.9881, lut4: 15_276 }),
    dense: side({ config: 'configs/dense.json', weightBits: { W: 85_248 }, cycles: 47_325, residentPj: [100, 900, 1500], streamedPj: [9600, 900, 1500], intAccuracy: 0.992, lut4: 13_303 }),
  }],
};

export const FIXTURE_INPUT: ReportInput = {
  date: '2026-11-24T14:00:00.000Z', machine: '2 x Test CPU, 8 GiB, Node v20', quick: true,
  benches: [
    { name: 'dsl-elaborate', what: 'generator', ok: true, seconds: 3.2, data: { bench: 'dsl-elaborate', cells: 12_000, median_ms: 412.5 } },
    { name: 'harness-speed', what: 'harness', ok: true, seconds: 40, data: { coldBuildS: 21.5, warmBuildS: 0.012, cppCyclesPerS: 5_000_000, syncCheckedCyclesPerS: 900_000, batchedCyclesPerS: 4_000_000 } },
    { name: 'train-throughput', what: 'training', ok: true, seconds: 60, data: { oursImagesPerSec: 924, tfjsImagesPerSec: 15.6, speedup: 59.2 } },
    { name: 'compare', what: 'SD against dense', ok: true, seconds: 100, data: FIXTURE_COMPARE },
  ],
  compare: FIXTURE_COMPARE,
  sweeps: [{
    name: 'prune', file: 'build/bench/sweeps/prune.json',
    points: [
      { label: 'prune=0', params: { prune: 0 }, accuracy: 0.99, energyPj: 3000, cycles: 47_000 },
      { label: 'prune=0.3', params: { prune: 0.3 }, accuracy: 0.985, energyPj: 2000, cycles: 40_000 },
      { label: 'prune=0.5', params: { prune: 0.5 }, accuracy: 0.97, energyPj: 2500, cycles: 38_000 },
    ],
  }],
};

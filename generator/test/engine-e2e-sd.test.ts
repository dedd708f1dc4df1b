/**
 * End to end on Verilator, SD engine: random small integer models (sw/engine/random-model.ts,
 * fixed seeds) are packed, loaded through the host bus and run; logits, label, every CSR counter
 * and the cycle count must equal the golden model (sw/engine/golden.ts), its events and the cycle
 * model (sw/engine/cycle-model.ts). Three engine shapes: P_o x P_c = 4x2 (default), 3x4, 1x1.
 */
import { E2E_SPECS } from '../engine/host-check.js';
import type { EngineConfig } from '../../sw/engine/config.js';
import { describeEngineAgainstGolden, type EngineCase } from './helpers/engine-e2e.js';
import defaultJson from '../../configs/default.json' with { type: 'json' };

const SD_CASES: EngineCase[] = [
  { what: 'mixed, 30% of rows pruned per group of 4, 3 blocks', seed: 21, model: { spec: E2E_SPECS.mixed, sd: true, groupSize: 4, blockRows: 6, pruneFraction: 0.3 } },
  { what: 'mixed, groups of 3 (narrow tiles), half the rows pruned', seed: 22, model: { spec: E2E_SPECS.mixed, sd: true, groupSize: 3, blockRows: 9, pruneFraction: 0.5 } },
  { what: 'mixed, every row of the last group pruned', seed: 23, model: { spec: E2E_SPECS.mixed, sd: true, groupSize: 2, blockRows: 6, pruneWholeGroup: true } },
  { what: 'mixed, extreme codes, saturating rebuilds and outputs', seed: 24, model: { spec: E2E_SPECS.mixed, sd: true, groupSize: 4, blockRows: 4, extremeCodes: true, saturateOutputs: true } },
  { what: 'final conv3 (32 logits), conv1 stride 2 padding 1', seed: 25, model: { spec: E2E_SPECS.convFinal, sd: true, groupSize: 4, blockRows: 4, pruneFraction: 0.3 } },
];

const SHAPES: Partial<EngineConfig>[] = [{}, { peRows: 3, peCols: 4 }, { peRows: 1, peCols: 1 }];
const IMAGES = 2;

describeEngineAgainstGolden({ label: 'SD', baseName: 'default.json', baseJson: defaultJson, shapes: SHAPES, cases: SD_CASES, images: IMAGES });

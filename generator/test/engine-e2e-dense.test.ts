/**
 * End to end on Verilator, dense baseline (config mode 'dense': the same generator and PE array,
 * int8 W words, no rebuild engine, no index): the same random models and comparisons as the SD
 * engine (engine-e2e-sd.test.ts): logits, label, every CSR counter and the cycle count against
 * the golden model, its events and the cycle model.
 */
import { E2E_SPECS } from '../engine/host-check.js';
import type { EngineConfig } from '../../sw/engine/config.js';
import { describeEngineAgainstGolden, type EngineCase } from './helpers/engine-e2e.js';
import denseJson from '../../configs/dense.json' with { type: 'json' };

const CASES: EngineCase[] = [
  { what: 'mixed, dense weights', seed: 31, model: { spec: E2E_SPECS.mixed, sd: false } },
  { what: 'mixed, SD model with pruned rows (zeros in W)', seed: 32, model: { spec: E2E_SPECS.mixed, sd: true, groupSize: 3, blockRows: 6, pruneFraction: 0.4 } },
  { what: 'mixed, saturating outputs', seed: 33, model: { spec: E2E_SPECS.mixed, sd: false, saturateOutputs: true } },
  { what: 'final conv3 (32 logits), conv1 stride 2 padding 1', seed: 34, model: { spec: E2E_SPECS.convFinal, sd: false } },
];

const SHAPES: Partial<EngineConfig>[] = [{}, { peRows: 3, peCols: 4 }];
const IMAGES = 2;

describeEngineAgainstGolden({ label: 'dense', baseName: 'dense.json', baseJson: denseJson, shapes: SHAPES, cases: CASES, images: IMAGES });

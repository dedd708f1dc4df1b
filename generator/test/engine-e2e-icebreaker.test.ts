/**
 * End to end on Verilator for the FPGA configurations (configs/icebreaker.json and its dense twin
 * icebreaker-dense.json: 1x1 PEs, 24-bit accumulators and counters, the activation bank as an SPRAM
 * copy pair; the SD one also as built for the iCE40HX, without SPRAM, each bank one block RAM):
 * random models against the golden model, its events and the cycle model, as the default shapes
 * are checked in engine-e2e-sd/dense.test.ts.
 */
import { E2E_SPECS } from '../engine/host-check.js';
import { describeEngineAgainstGolden, type EngineCase } from './helpers/engine-e2e.js';
import icebreakerJson from '../../configs/icebreaker.json' with { type: 'json' };
import icebreakerDenseJson from '../../configs/icebreaker-dense.json' with { type: 'json' };

const SD_CASES: EngineCase[] = [
  { what: 'mixed, 30% of rows pruned per group of 4, 3 blocks', seed: 41, model: { spec: E2E_SPECS.mixed, sd: true, groupSize: 4, blockRows: 6, pruneFraction: 0.3 } },
  { what: 'mixed, extreme codes, saturating rebuilds and outputs', seed: 42, model: { spec: E2E_SPECS.mixed, sd: true, groupSize: 4, blockRows: 6, extremeCodes: true, saturateOutputs: true } },
  { what: 'final conv3 (32 logits), conv1 stride 2 padding 1', seed: 43, model: { spec: E2E_SPECS.convFinal, sd: true, groupSize: 4, blockRows: 6, pruneFraction: 0.3 } },
];
const DENSE_CASES: EngineCase[] = [
  { what: 'mixed, dense weights, saturating outputs', seed: 44, model: { spec: E2E_SPECS.mixed, sd: false, saturateOutputs: true } },
  { what: 'final conv3 (32 logits), conv1 stride 2 padding 1', seed: 45, model: { spec: E2E_SPECS.convFinal, sd: false } },
];

describeEngineAgainstGolden({ label: 'SD icebreaker', baseName: 'icebreaker.json', baseJson: icebreakerJson, shapes: [{}], cases: SD_CASES, images: 2 });
describeEngineAgainstGolden({ label: 'dense icebreaker', baseName: 'icebreaker-dense.json', baseJson: icebreakerDenseJson, shapes: [{}], cases: DENSE_CASES, images: 2 });
describeEngineAgainstGolden({ label: 'SD icebreaker without SPRAM (iCE40HX memories)', baseName: 'icebreaker.json', baseJson: icebreakerJson, shapes: [{}], cases: SD_CASES.slice(0, 1), images: 2, sprams: 0 });

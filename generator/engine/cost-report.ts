/**
 * iCE40 cost of every engine block at the default configuration's sizes (configs/default.json:
 * P_o = 4, P_c = 2, 3 exponent bits, 4-bit R, 16 384 activation bytes, 512 IDX words, 8 blocks),
 * after the lint gate. Prints a Markdown table and a JSON line.
 *   npx tsx generator/engine/cost-report.ts
 * Synthesis is `synth_ice40` without DSP inference, so multipliers are counted as LUTs (the
 * UP5K's SB_MAC16 could take the PE array's and the requantizer's products instead).
 */
import type { ModuleSpec } from '../dsl/index.js';
import { ActAddrGen } from './act-addr.js';
import { emitBlock, ice40Cost, lintBlock, type Ice40Cost } from './check.js';
import { IndexSelector } from './index-selector.js';
import { PeArray } from './pe-array.js';
import { Argmax, MaxPool2 } from './pool.js';
import { RebuildEngine, RebuildLane } from './rebuild.js';
import { Requant } from './requant.js';
import { requantBeats } from '../../sw/engine/cycle-model.js';

const lanes = 4, cols = 2, basis = 3, expBits = 3, shiftBits = 4;
const actAddrBits = 14; // 2 banks x 8192 bytes
const dimBits = 15; // holds the count of all activation bytes (sw/engine/memory-map.ts dimBits)

const blocks: [string, ModuleSpec][] = [
  ['rebuild lane', RebuildLane({ basis, expBits, shiftBits })],
  [`rebuild engine (${lanes} lanes)`, RebuildEngine({ lanes, basis, expBits, shiftBits })],
  ['index selector', IndexSelector({ addrBits: 9, cBits: dimBits, blockBits: 3 })],
  [`act address gen + rotation (P_c ${cols})`, ActAddrGen({ cols, addrBits: actAddrBits, dimBits })],
  [`PE array ${lanes} x ${cols}`, PeArray({ rows: lanes, cols, accBits: 32 })],
  ['requantization unit', Requant({ accBits: 32, multiplierBits: 16, shiftBits: 6, beats: requantBeats({ peRows: lanes, peCols: cols }) })],
  ['max-pool 2x2', MaxPool2()],
  ['argmax (int32, 256 classes)', Argmax({ valueBits: 32, indexBits: 8 })],
];

const rows: { block: string; module: string; lint: boolean; cost: Ice40Cost; withDsp: Ice40Cost }[] = [];
for (const [name, spec] of blocks) {
  const b = emitBlock(spec);
  const lint = lintBlock(b).ok;
  rows.push({ block: name, module: b.top, lint, cost: ice40Cost(b), withDsp: ice40Cost(b, { dsp: true }) });
}
console.log('| block | module | lint | LUT4 | carry | DFF | with -dsp: LUT4 + SB_MAC16 |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) {
  console.log(`| ${r.block} | \`${r.module}\` | ${r.lint ? 'clean' : 'FAIL'} | ${r.cost.luts} | ${r.cost.carries} | ${r.cost.flops} | ${r.withDsp.luts} + ${r.withDsp.dsps} |`);
}
console.log(JSON.stringify({ bench: 'engine-block-cost', blocks: rows.map((r) => ({ module: r.module, lint: r.lint, ...r.cost, dspVariant: r.withDsp })) }));
if (rows.some((r) => !r.lint)) process.exitCode = 1;

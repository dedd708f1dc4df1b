/**
 * The energy model against breakdowns computed by hand (docs/energy.md rules applied with a
 * calculator) for a tiny hand-written event set on configs/default.json (sd) and configs/dense.json,
 * and the table's published points.
 */
import { describe, expect, test } from 'vitest';
import defaultJson from '../../configs/default.json' with { type: 'json' };
import denseJson from '../../configs/dense.json' with { type: 'json' };
import { parseConfig } from '../engine/config.js';
import { emptyEvents, type EngineEvents } from '../engine/events.js';
import { memoryMap, type MemoryName } from '../engine/memory-map.js';
import { energyOfEvents, groupTotals, offChipBytes, type EnergyBreakdown, type ModelFootprint } from '../energy/model.js';
import { PUBLISHED, addPj, mulPj, sram64Pj, sramAccessPj } from '../energy/table.js';

const sd = parseConfig(defaultJson, 'configs/default.json').config;
const dense = parseConfig(denseJson, 'configs/dense.json').config;

function events(mode: 'sd' | 'dense', reads: Partial<Record<MemoryName, number>>, writes: Partial<Record<MemoryName, number>>, rest: Partial<EngineEvents>): EngineEvents {
  const map = memoryMap(mode === 'sd' ? sd : dense);
  const ev = emptyEvents(map.memories.map((m) => m.name));
  for (const m of map.memories) {
    const t = ev.memories[m.name]!;
    t.readWords = reads[m.name] ?? 0;
    t.readBits = t.readWords * m.width;
    t.writeWords = writes[m.name] ?? 0;
    t.writeBits = t.writeWords * m.width;
  }
  return { ...ev, ...rest };
}

/** pJ of each part, by name. */
const byName = (b: EnergyBreakdown): Record<string, number> => Object.fromEntries(b.parts.map((p) => [p.name, p.pj]));

// Per-access energies of configs/default.json memories, by hand: 10 pJ x sqrt(bytes / 8192) x width / 64.
const E = {
  DESC: 1.767767, // 32 bits x 256 = 1024 B: 10 * sqrt(1/8) * 32/64
  BIAS: 1.767767, // same size and width
  QUANT: 1.007707, // 22 bits x 256 = 704 B: 10 * sqrt(704/8192) * 22/64
  IDX: 1.235265, // 20 bits x 512 = 1280 B: 10 * sqrt(0.15625) * 20/64
  B: 6.470241, // 76 bits x 256 = 2432 B: 10 * sqrt(0.296875) * 76/64
  CE: 6.495191, // 48 bits x 1024 = 6144 B: 10 * sqrt(0.75) * 48/64
  W: 18.371173, // 96 bits x 1024 = 12288 B, between 8 and 32 KB (slope 1/2): 10 * sqrt(1.5) * 96/64
  ACT: 1.25, // one 8192-byte bank: 10 pJ * 8/64
  LOGITS: 0.441942, // 32 bits x 16 = 64 B: 10 * sqrt(1/128) * 32/64
};
const DRAM_BIT = 1300 / 64; // 20.3125 pJ

describe('energy table', () => {
  test('published points and the size rule', () => {
    expect(sram64Pj(8 * 1024)).toBeCloseTo(10, 9);
    expect(sram64Pj(32 * 1024)).toBeCloseTo(20, 9);
    expect(sram64Pj(1024 * 1024)).toBeCloseTo(100, 9);
    expect(sram64Pj(64 * 1024)).toBeCloseTo(20 * 5 ** (1 / 5), 6); // log-log between 32 KB and 1 MB: 32x size, 5x energy
    expect(sram64Pj(2 * 1024)).toBeCloseTo(5, 9); // sqrt below 8 KB
    expect(addPj(8).pj).toBe(0.03);
    expect(addPj(32).pj).toBe(0.1);
    expect(addPj(20).pj).toBeCloseTo(0.065, 9); // halfway between 8 and 32 bits
    expect(mulPj(8, 8).pj).toBe(0.2);
    expect(mulPj(32, 16).pj).toBeCloseTo(1.55, 9);
    expect(sramAccessPj(1, 4).pj).toBeCloseTo(addPj(1).pj, 9); // a tiny memory costs at least a register write
    for (const e of Object.values(PUBLISHED)) expect(e.source).toMatch(/Horowitz, ISSCC 2014/);
    console.log('compared 12 table values with the published figures and hand-computed rule values');
  });
});

describe('energy of a hand-written event set', () => {
  const footprint: ModelFootprint = { inputBytes: 4, modelWords: { DESC: 8, CE: 2, IDX: 3, B: 4, BIAS: 4, QUANT: 4 } };
  const ev = events('sd', { DESC: 8, CE: 2, IDX: 3, B: 4, BIAS: 4, QUANT: 4, ACT: 7 }, { ACT: 3, LOGITS: 2 }, {
    macs: 10, rowsWalked: 2, rowsSkipped: 1, rebuiltWeights: 6, rebuildShiftAdds: 5, requantized: 3, logitsWritten: 2, poolOutputs: 1, outputTiles: 1, pixelTiles: 1,
  });
  // By hand, pJ per part.
  const onChip = {
    'DESC read': 8 * E.DESC, 'CE read': 2 * E.CE, 'IDX read': 3 * E.IDX, 'B read': 4 * E.B, 'BIAS read': 4 * E.BIAS, 'QUANT read': 4 * E.QUANT,
    'ACT read': 7 * E.ACT, 'ACT write': 3 * E.ACT, 'LOGITS write': 2 * E.LOGITS, 'ACT image load': 4 * E.ACT, 'LOGITS host read': 2 * E.LOGITS,
    MAC: 10 * (0.2 + 0.1 + 0.1), // 8x8 multiply, 32-bit add, 32-bit accumulator register
    // term 16 bits (int8 << 7 and a sign), sum 18 bits: shift 0.03 + 8*0.07/24, add 0.03 + 10*0.07/24
    'rebuild shift-adds': 5 * (0.0533333 + 0.0591667),
    'rebuild rounding': 6 * (0.0591667 + 0.0591667),
    // 32x16 multiply 3.1 * 512/1024, 48-bit shift and add 0.03 + 40*0.07/24 each, two 8-bit adds
    requantize: 3 * (1.55 + 2 * 0.1466667 + 2 * 0.03),
    'max-pool compares': 1 * 4 * 0.03,
    'DESC registers': 8 * 0.1,
    'B lane registers': 4 * 0.2283333, // 76 bits: 0.03 + 68*0.07/24
    'BIAS lane registers': 4 * 0.1,
    'QUANT lane registers': 4 * 0.0708333, // 22 bits
    'row walk': 2 * (0.1466667 + 2 * 0.0358333), // 48-bit CE word register, two 10-bit pointer adds
    'activation addresses': 7 * 2 * 0.0475, // two 14-bit adds per ACT read
  };

  test('weights resident: DRAM carries the image in and the logits out', () => {
    const b = energyOfEvents(ev, sd, { scenario: 'weights-resident', footprint });
    const want: Record<string, number> = { 'DRAM image in': 32 * DRAM_BIT, 'DRAM logits out': 64 * DRAM_BIT, ...onChip };
    const got = byName(b);
    expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
    for (const [name, pj] of Object.entries(want)) expect(got[name], name).toBeCloseTo(pj, 4);
    expect(b.totalPj).toBeCloseTo(Object.values(want).reduce((a, v) => a + v, 0), 3);
    const groups = groupTotals(b);
    expect(groups.MAC).toBeCloseTo(4, 9);
    expect(groups['off-chip']).toBeCloseTo(96 * DRAM_BIT, 6);
    const high = byName(energyOfEvents(ev, sd, { scenario: 'weights-resident', footprint, dram: 'high' }));
    expect(high['DRAM image in']).toBeCloseTo((32 * 2600) / 64, 6);
    expect(high.MAC).toBe(got.MAC);
    console.log(`compared ${Object.keys(want).length} parts and the total (${b.totalPj.toFixed(2)} pJ) with hand-computed values, weights resident`);
  });

  test('weights streamed: the packed model comes in from DRAM and fills its memories', () => {
    const b = energyOfEvents(ev, sd, { scenario: 'weights-streamed', footprint });
    const modelBits = 8 * 32 + 2 * 48 + 3 * 20 + 4 * 76 + 4 * 32 + 4 * 22; // 932
    const fills = { 'DESC fill': 8 * E.DESC, 'CE fill': 2 * E.CE, 'IDX fill': 3 * E.IDX, 'B fill': 4 * E.B, 'BIAS fill': 4 * E.BIAS, 'QUANT fill': 4 * E.QUANT };
    const want: Record<string, number> = { 'DRAM image in': 32 * DRAM_BIT, 'DRAM logits out': 64 * DRAM_BIT, 'DRAM model in': modelBits * DRAM_BIT, ...onChip, ...fills };
    const got = byName(b);
    expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
    for (const [name, pj] of Object.entries(want)) expect(got[name], name).toBeCloseTo(pj, 4);
    expect(offChipBytes(ev, sd, footprint, 'weights-streamed').totalBytes).toBe(4 + 8 + modelBits / 8);
    console.log(`compared ${Object.keys(want).length} parts with hand-computed values, weights streamed (${modelBits} model bits)`);
  });

  test('dense: W words, no rebuild, one pointer per walked row', () => {
    const dev = events('dense', { DESC: 7, W: 3, BIAS: 4, QUANT: 4, ACT: 7 }, { ACT: 3, LOGITS: 2 }, { macs: 10, rowsWalked: 3, requantized: 3, logitsWritten: 2 });
    const b = energyOfEvents(dev, dense, { scenario: 'weights-streamed', footprint: { inputBytes: 4, modelWords: { DESC: 7, W: 3, BIAS: 4, QUANT: 4 } } });
    const got = byName(b);
    expect(got['W read']).toBeCloseTo(3 * E.W, 4);
    expect(got['W fill']).toBeCloseTo(3 * E.W, 4);
    expect(got['DRAM model in']).toBeCloseTo((7 * 32 + 3 * 96 + 4 * 32 + 4 * 22) * DRAM_BIT, 4);
    expect(got['row walk']).toBeCloseTo(3 * (0.2866667 + 0.0358333), 4); // 96-bit word register (0.03 + 88*0.07/24), one 10-bit pointer add
    expect(Object.keys(got).filter((n) => /rebuild|CE|IDX|^B /.test(n))).toEqual([]);
    console.log('compared 4 dense parts with hand-computed values and checked that no SD part appears');
  });
});

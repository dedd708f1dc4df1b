/**
 * The engine top on small memories: the lint gate (Verilator -Wall zero warnings, yosys synth +
 * check -assert with no latch, Icarus) over the top and each new module as its own top, in both
 * modes; and the host bus on Verilator: random words written to every region (wide words in
 * 32-bit parts, ACT byte by byte) read back as written, masked to the memory's width; offsets past
 * a memory's depth read 0; the CSR block reports idle and the configuration id.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Rng } from '../../common/rng.js';
import { elaborate } from '../dsl/index.js';
import { writeVerilog } from '../emit/index.js';
import { EngineTop } from '../engine/engine-top.js';
import type { EngineHost } from '../engine/host-driver.js';
import { simulateEngine } from '../engine/simulate.js';
import { CSR } from '../engine/csr.js';
import { describeGateFailures, runLintGate, type LintTarget } from '../lint/gate.js';
import type { Simulation } from '../../verif/index.js';
import { configHash, parseConfig } from '../../sw/engine/config.js';
import defaultJson from '../../configs/default.json' with { type: 'json' };

const SMALL = { actDepth: 64, ceDepth: 64, idxDepth: 32, bDepth: 16, wDepth: 64, biasDepth: 12, quantDepth: 16, descDepth: 32, logitsDepth: 10 };
const configs = (['sd', 'dense'] as const).map((mode) => parseConfig({ ...defaultJson, ...SMALL, mode }, `default.json with small memories (${mode})`));

describe('engine top', () => {
  test('lint gate: every module of the sd and dense tops, each also as its own top', async () => {
    const targets: LintTarget[] = [];
    for (const lc of configs) {
      const design = elaborate(EngineTop({ config: lc.config }));
      const files = writeVerilog(design, `build/engine-top/${lc.config.mode}`);
      const own = design.modules.filter((m) => /^sd_(engine|controller|csr|host_bus)/.test(m.name));
      for (const m of own) targets.push({ top: m.name, files });
    }
    const report = await runLintGate(targets, { cells: false });
    expect(report.ok, describeGateFailures(report)).toBe(true);
    console.log(`compared 3 tools on ${targets.length} module tops (${targets.map((t) => t.top).join(', ')}): 0 warnings, 0 latches`);
  }, 240_000);
});

describe('host bus', () => {
  const lc = configs[0]!;
  let sim: Simulation;
  let host: EngineHost;
  beforeAll(async () => {
    ({ sim, host } = await simulateEngine(lc.config));
  }, 120_000);
  afterAll(() => sim?.close());

  test('every region reads back what was written, masked to the word width', () => {
    const seed = 51;
    const rng = new Rng(seed);
    let compared = 0;
    for (const m of host.map.memories) {
      const depth = m.name === 'ACT' ? m.depth * m.banks : m.depth;
      const width = m.name === 'ACT' ? 8 : m.width;
      const parts = m.name === 'ACT' ? 1 : m.hostWordsPerWord;
      const base = host.base(m.name);
      const written = new Map<number, bigint>();
      for (let i = 0; i < 24; i++) {
        const word = rng.int(0, depth - 1);
        const value = rng.bits(parts * 32);
        for (let k = 0; k < parts; k++) host.write(base + word * parts + k, Number((value >> BigInt(32 * k)) & 0xffffffffn));
        written.set(word, value & ((1n << BigInt(width)) - 1n));
      }
      for (const [word, value] of written) {
        for (let k = 0; k < parts; k++) {
          const want = Number((value >> BigInt(32 * k)) & 0xffffffffn);
          expect(host.read(base + word * parts + k), `${m.name} word ${word} part ${k}, seed ${seed}`).toBe(want);
          compared++;
        }
      }
      if (depth * parts < 2 ** host.map.regionShift) {
        expect(host.read(base + depth * parts), `${m.name}: offset past the depth`).toBe(0);
        compared++;
      }
    }
    const csr = host.base('CSR');
    expect(host.read(csr + CSR.STATUS)).toBe(0);
    expect(host.read(csr + CSR.CONFIG_ID)).toBe(Number.parseInt(configHash(lc.config).slice(0, 8), 16));
    console.log(`compared ${compared + 2} host words over ${host.map.memories.length} memories and the CSR block (seed ${seed})`);
  });
});

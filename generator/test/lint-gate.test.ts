/**
 * The lint gate over every example module of configs/examples.json (all three tools clean), and
 * proof that it catches bad Verilog: a hand-written latch (yosys) and a width warning (Verilator).
 */
import { afterAll, describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadExamplesConfig } from '../examples/config.js';
import { describeGateFailures, formatGateTable, runLintGate } from '../lint/gate.js';
import { generateExamples } from '../lint/generate.js';

const dir = mkdtempSync(join(tmpdir(), 'lint-gate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lint gate', () => {
  test('every example module passes Verilator -Wall, yosys check and Icarus', async () => {
    const modules = generateExamples(loadExamplesConfig('configs/examples.json').examples, join(dir, 'examples'));
    const report = await runLintGate(modules, { cells: false });
    console.log(formatGateTable(report));
    console.log(`checked ${report.outcomes.length} modules x 3 tools`);
    expect(report.ok, describeGateFailures(report)).toBe(true);
    expect(report.outcomes.map((o) => o.results.map((r) => r.tool))).toEqual(modules.map(() => ['verilator', 'yosys', 'iverilog']));
  });

  test('catches a latch and a lint warning, naming module, tool and message', async () => {
    const latch = join(dir, 'has_latch.v');
    writeFileSync(latch, [
      'module has_latch (input wire en, input wire [3:0] d, output reg [3:0] q);',
      '  always @* if (en) q = d;   // no else: q must hold, so a latch',
      'endmodule', ''].join('\n'));
    const narrow = join(dir, 'truncates.v');
    writeFileSync(narrow, [
      'module truncates (input wire [7:0] a, output wire [3:0] y);',
      '  assign y = a;   // 8 bits into 4: Verilator WIDTH warning',
      'endmodule', ''].join('\n'));
    const clean = join(dir, 'passes.v');
    writeFileSync(clean, 'module passes (input wire [3:0] a, output wire [3:0] y);\n  assign y = ~a;\nendmodule\n');
    const report = await runLintGate([{ top: 'has_latch', files: [latch] }, { top: 'truncates', files: [narrow] }, { top: 'passes', files: [clean] }], { jobs: 2 });
    console.log(formatGateTable(report));
    const [l, t, p] = report.outcomes;
    expect(report.ok).toBe(false);
    expect(l!.results.find((r) => r.tool === 'yosys')!.ok).toBe(false);
    expect(l!.results.find((r) => r.tool === 'yosys')!.latchCells).toBeGreaterThan(0);
    expect(t!.results.find((r) => r.tool === 'verilator')!.output).toMatch(/%Warning-WIDTH/);
    expect(t!.ok).toBe(false);
    expect(p!.ok).toBe(true);
    expect(p!.cells).toBeGreaterThan(0);
    const text = describeGateFailures(report);
    expect(text).toMatch(/^has_latch: /);
    expect(text).toMatch(/truncates: verilator failed: verilator --lint-only -Wall/);
    expect(formatGateTable(report)).toMatch(/has_latch\s+FAIL \(\d+ warn\)\s+FAIL \(\d+ latch\)/);
  });
});

/** The lint gate as a test of its own, shared by the engine blocks' test files. */
import { expect, test } from 'vitest';
import { lintBlock, type EmittedBlock } from '../../engine/check.js';
import { describeFailures } from '../../emit/toolcheck.js';

/** Registers a test: every block is clean under verilator -Wall, yosys (no latches) and iverilog. */
export function lintGateTest(blocks: readonly EmittedBlock[]): void {
  test('lint gate: verilator -Wall, yosys check, iverilog', () => {
    for (const b of blocks) {
      const r = lintBlock(b);
      expect(r.ok, `${b.top}: ${describeFailures(r.results)}`).toBe(true);
    }
    console.log(`compared 3 tools on ${blocks.map((b) => b.top).join(', ')}: 0 warnings, 0 latches`);
  });
}

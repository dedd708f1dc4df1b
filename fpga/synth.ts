/**
 * yosys `synth_ice40` to a JSON netlist, and the cell counts of its `stat -json`, mapped to the
 * resources the report names (LUT4, flip-flops, carries, EBR, SPRAM, DSP).
 */
import { readFileSync } from 'node:fs';
import type { Board } from './boards.js';
import { runTool, type ToolRun } from './run-tool.js';

export interface SynthResources {
  lut4: number;
  ff: number;
  carry: number;
  ebr: number;
  spram: number;
  dsp: number;
  /** Every cell type and its count, as yosys reported it. */
  cells: Record<string, number>;
}

/** The yosys command script: SPRAM and DSP inference only where the device has them. */
export function yosysScript(files: readonly string[], top: string, board: Board, jsonOut: string, statOut: string): string {
  const extra = [board.capacity.dsp > 0 ? ' -dsp' : '', board.capacity.spram > 0 ? ' -spram' : ''].join('');
  return [...files.map((f) => `read_verilog ${f}`), `synth_ice40 -top ${top}${extra} -json ${jsonOut}`, `tee -q -o ${statOut} stat -json`].join('\n') + '\n';
}

/** Resources from the text of `stat -json` (the `design` totals: every module, flattened). */
export function parseYosysStat(statJson: string): SynthResources {
  const stat = JSON.parse(statJson) as { design?: { num_cells_by_type?: Record<string, number> } };
  const cells = stat.design?.num_cells_by_type;
  if (!cells) throw new Error('yosys stat -json has no design.num_cells_by_type');
  const sum = (pred: (type: string) => boolean): number => Object.entries(cells).filter(([t]) => pred(t)).reduce((s, [, n]) => s + n, 0);
  return {
    lut4: sum((t) => t === 'SB_LUT4'),
    ff: sum((t) => t.startsWith('SB_DFF')),
    carry: sum((t) => t === 'SB_CARRY'),
    ebr: sum((t) => t.startsWith('SB_RAM40_4K')),
    spram: sum((t) => t === 'SB_SPRAM256KA'),
    dsp: sum((t) => t === 'SB_MAC16'),
    cells: { ...cells },
  };
}

export async function synthesize(scriptFile: string, statFile: string, logFile: string, onLine?: (line: string) => void): Promise<{ run: ToolRun; resources?: SynthResources }> {
  const run = await runTool('yosys', ['-q', '-l', logFile, '-s', scriptFile], onLine ? { onLine } : {});
  if (!run.ok) return { run };
  return { run, resources: parseYosysStat(readFileSync(statFile, 'utf8')) };
}

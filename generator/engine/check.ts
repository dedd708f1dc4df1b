/**
 * The lint gate and cost probes for engine blocks: elaborate a block, write its Verilog under
 * build/engine/<module>/, run the three tools (generator/emit/toolcheck.ts), and count cells
 * (coarse yosys cells to prove a block has no multiplier; iCE40 LUTs for the cost table).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { elaborate, type ModuleSpec } from '../dsl/index.js';
import { emitVerilog, writeVerilog, type EmittedVerilog } from '../emit/index.js';
import { ice40Cells, toolcheck, type ToolResult } from '../emit/toolcheck.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface EmittedBlock {
  /** Emitted Verilog (in memory), ready for `fromEmitted` of the harness. */
  emitted: EmittedVerilog;
  /** The same files on disk, children first (for the tools). */
  files: string[];
  top: string;
}

/** Elaborates a block and writes its Verilog to build/engine/<top>/ (atomically). */
export function emitBlock(spec: ModuleSpec): EmittedBlock {
  const design = elaborate(spec);
  const emitted = emitVerilog(design);
  const files = writeVerilog(design, join(repoRoot, 'build', 'engine', design.top.name));
  return { emitted, files, top: design.top.name };
}

/** verilator -Wall (zero warnings), yosys synth + check -assert (no latches), iverilog. */
export function lintBlock(block: EmittedBlock): { ok: boolean; results: ToolResult[] } {
  return toolcheck(block.files, block.top);
}

/**
 * Cell types after `proc; opt` (before techmapping), e.g. `{ $add: 4, $shl: 3 }`: this is where a
 * multiplier still shows as `$mul` (or `$macc`) rather than as gates.
 */
export function coarseCells(block: EmittedBlock): Record<string, number> {
  const script = [...block.files.map((f) => `read_verilog ${f}`), `hierarchy -top ${block.top}`, 'proc', 'flatten', 'opt', 'stat'].join('; ');
  const r = spawnSync('yosys', ['-p', script], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`yosys failed on ${block.top}:\n${r.stdout}${r.stderr}`);
  const out = r.stdout;
  const stat = out.slice(out.lastIndexOf('Number of cells'));
  const cells: Record<string, number> = {};
  for (const m of stat.matchAll(/^\s+(\$\S+)\s+(\d+)\s*$/gm)) cells[m[1]!] = Number(m[2]);
  return cells;
}

export interface Ice40Cost {
  luts: number;
  carries: number;
  flops: number;
  /** Block RAMs (SB_RAM40_4K). */
  rams: number;
  /** DSP blocks (SB_MAC16); 0 unless DSP inference was asked for. */
  dsps: number;
}

/** Cost after `synth_ice40`: LUT4s, carry cells, flip-flops, block RAMs, DSPs (with `dsp`: SB_MAC16 inference). */
export function ice40Cost(block: EmittedBlock, opts: { dsp?: boolean } = {}): Ice40Cost {
  const cells = opts.dsp ? synthIce40Dsp(block) : ice40Cells(block.files, block.top);
  if (!cells.ok) throw new Error(`synth_ice40 failed on ${block.top}:\n${cells.output.slice(-2000)}`);
  const c = cells.cells;
  let flops = 0;
  for (const [k, v] of Object.entries(c)) if (k.startsWith('SB_DFF')) flops += v;
  return { luts: c.SB_LUT4 ?? 0, carries: c.SB_CARRY ?? 0, flops, rams: c.SB_RAM40_4K ?? 0, dsps: c.SB_MAC16 ?? 0 };
}

function synthIce40Dsp(block: EmittedBlock): { ok: boolean; output: string; cells: Record<string, number> } {
  const script = [...block.files.map((f) => `read_verilog ${f}`), `synth_ice40 -dsp -top ${block.top}`, 'stat'].join('; ');
  const r = spawnSync('yosys', ['-p', script], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  const cells: Record<string, number> = {};
  const stat = output.slice(output.lastIndexOf('Number of cells'));
  for (const m of stat.matchAll(/^\s+(\S+)\s+(\d+)\s*$/gm)) cells[m[1]!] = Number(m[2]);
  return { ok: r.status === 0, output, cells };
}

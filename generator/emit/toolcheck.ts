/**
 * Runs the three open Verilog tools on emitted files: Verilator lint (-Wall, zero warnings
 * allowed), yosys synthesis + `check -assert` (and no latch cells), Icarus compile (-g2005).
 * Reusable by tests and by the lint gate.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type ToolName = 'verilator' | 'yosys' | 'iverilog';

export interface ToolResult {
  tool: ToolName;
  ok: boolean;
  /** The command line that was run (for reproducing by hand). */
  command: string;
  /** Combined stdout + stderr. */
  output: string;
  /** yosys only: number of $dlatch / $latch / $sr cells after synthesis. */
  latchCells?: number;
}

export interface ToolcheckOptions {
  /** Which tools to run (default all three). */
  tools?: readonly ToolName[];
  /** Extra yosys commands after `synth` (e.g. `synth_ice40` flows use their own helper). */
  timeoutMs?: number;
}

function run(tool: ToolName, cmd: string, args: string[], timeoutMs: number, cwd?: string): ToolResult {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: timeoutMs, cwd, maxBuffer: 64 * 1024 * 1024 });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? `\n${r.error.message}` : ''}`;
  return { tool, ok: r.status === 0 && !r.error, command: [cmd, ...args].join(' '), output };
}

/** `verilator --lint-only -Wall`: passes only with zero warnings. */
export function verilatorLint(files: readonly string[], top: string, timeoutMs = 120_000): ToolResult {
  const r = run('verilator', 'verilator', ['--lint-only', '-Wall', '--top-module', top, ...files], timeoutMs);
  if (/%Warning/.test(r.output)) r.ok = false;
  return r;
}

/** The fine-grained part of yosys `synth` (techmap to gates, abc), less `memory_map`. */
const SYNTH_FINE_WITHOUT_MEMORY_MAP = ['opt -fast -full', 'techmap', 'opt -fast', 'abc -fast', 'opt -fast'];

/**
 * yosys synthesis up to gates, then `check -assert`, failing on any latch cell. It is `synth -top X`
 * without its `memory_map` step: memories stay `$mem_v2` cells, as in any RAM-inferring flow, because
 * turning an 8192-word memory into flip-flops takes yosys minutes and proves nothing about latches.
 */
export function yosysCheck(files: readonly string[], top: string, timeoutMs = 300_000): ToolResult {
  const dir = mkdtempSync(join(tmpdir(), 'dsl-yosys-'));
  try {
    const countFile = join(dir, 'latches.txt');
    // -q keeps the log short; `tee -o` still records the latch count.
    const script = [...files.map((f) => `read_verilog ${f}`), `synth -top ${top} -run begin:fine`, ...SYNTH_FINE_WITHOUT_MEMORY_MAP,
      `tee -q -o ${countFile} select -count t:$dlatch t:$adlatch t:$latch t:$sr t:$dlatchsr t:$_DLATCH_* t:$_DLATCHSR_* t:$_SR_*`,
      'check -assert'].join('; ');
    const r = run('yosys', 'yosys', ['-q', '-p', script], timeoutMs);
    const counted = existsSync(countFile) ? /(\d+) objects?/.exec(readFileSync(countFile, 'utf8')) : null;
    r.latchCells = counted ? Number(counted[1]) : 0;
    if (r.latchCells > 0) {
      r.ok = false;
      r.output += `\n${r.latchCells} latch cell(s) after synthesis`;
    }
    return r;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Reads the files into yosys, elaborates and optimises them (`proc; opt`, or a full `synth` to
 * gates) and writes yosys's own netlist as Verilog to `outFile`. Simulating that netlist checks
 * that yosys reads the emitted Verilog the way the simulators do.
 */
export function yosysNetlist(files: readonly string[], top: string, outFile: string, opts: { synth?: boolean; timeoutMs?: number } = {}): ToolResult {
  const passes = opts.synth ? [`synth -flatten -top ${top}`] : [`hierarchy -top ${top}`, 'proc', 'flatten', 'opt'];
  const script = [...files.map((f) => `read_verilog ${f}`), ...passes, `write_verilog -noattr ${outFile}`].join('; ');
  return run('yosys', 'yosys', ['-q', '-p', script], opts.timeoutMs ?? 300_000);
}

/** `iverilog -g2005`: the files compile under Icarus. */
export function iverilogCompile(files: readonly string[], top: string, timeoutMs = 120_000): ToolResult {
  const dir = mkdtempSync(join(tmpdir(), 'dsl-iverilog-'));
  try {
    return run('iverilog', 'iverilog', ['-g2005', '-Wall', '-s', top, '-o', join(dir, 'a.out'), ...files], timeoutMs);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the chosen tools (default all) and reports each. */
export function toolcheck(files: readonly string[], top: string, opts: ToolcheckOptions = {}): { ok: boolean; results: ToolResult[] } {
  const tools = opts.tools ?? ['verilator', 'yosys', 'iverilog'];
  const results = tools.map((t) =>
    t === 'verilator' ? verilatorLint(files, top, opts.timeoutMs) : t === 'yosys' ? yosysCheck(files, top, opts.timeoutMs) : iverilogCompile(files, top, opts.timeoutMs));
  return { ok: results.every((r) => r.ok), results };
}

/** One line per failing tool with its output, for assertion messages. */
export function describeFailures(results: readonly ToolResult[]): string {
  return results.filter((r) => !r.ok).map((r) => `${r.tool} failed: ${r.command}\n${r.output}`).join('\n');
}

/**
 * Synthesises for iCE40 (`synth_ice40`) and returns the cell counts by type, e.g. to confirm that
 * a memory maps to SB_RAM40_4K block RAM. `params` overrides top-level Verilog parameters;
 * `opts.spram` adds `-spram` (UltraPlus SPRAM inference).
 */
export function ice40Cells(
  files: readonly string[], top: string, params: Record<string, number> = {}, timeoutMs = 300_000, opts: { spram?: boolean } = {},
): ToolResult & { cells: Record<string, number> } {
  const chparam = Object.keys(params).length
    ? [`chparam ${Object.entries(params).map(([k, v]) => `-set ${k} ${v}`).join(' ')} ${top}`] : [];
  // -spram lets yosys use the UltraPlus single-port RAMs (SB_SPRAM256KA) for memories that fit them.
  const synth = `synth_ice40 -top ${top}${opts.spram ? ' -spram' : ''}`;
  const script = [...files.map((f) => `read_verilog ${f}`), ...chparam, synth, 'stat'].join('; ');
  const r = run('yosys', 'yosys', ['-p', script], timeoutMs);
  const cells: Record<string, number> = {};
  const stat = r.output.slice(r.output.lastIndexOf('Number of cells'));
  for (const m of stat.matchAll(/^\s+(\S+)\s+(\d+)\s*$/gm)) cells[m[1]!] = Number(m[2]);
  return { ...r, cells };
}

/** Compiles with Icarus and runs the simulation; returns its standard output. */
export function iverilogRun(files: readonly string[], top: string, cwd: string, timeoutMs = 120_000): ToolResult & { stdout: string } {
  const out = join(cwd, `${top}.vvp`);
  const c = run('iverilog', 'iverilog', ['-g2005', '-s', top, '-o', out, ...files], timeoutMs, cwd);
  if (!c.ok) return { ...c, stdout: '' };
  const r = spawnSync('vvp', ['-n', out], { encoding: 'utf8', cwd, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  return { tool: 'iverilog', ok: r.status === 0, command: `vvp -n ${out}`, output: `${r.stdout}${r.stderr}`, stdout: r.stdout ?? '' };
}

/** Writes `text` to a scratch file (tests use it for hex vectors). */
export function writeScratch(dir: string, name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

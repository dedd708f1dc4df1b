/**
 * nextpnr-ice40: place and route against the board's pins and a target frequency. Its log is
 * the source of the device utilisation, the achieved Fmax and the critical path; its phases
 * are passed on as progress lines.
 */
import type { Board } from './boards.js';
import { runTool, type ToolRun } from './run-tool.js';

export interface Utilisation { used: number; available: number }

export interface CriticalPath {
  /** Total delay in ns. */
  delayNs: number;
  /** Cells on the path (nextpnr's `Source` lines). */
  levels: number;
  from: string;
  to: string;
  /** Verilog source locations along the path, in order, without repeats (`file:line`). */
  sources: string[];
}

export interface PnrResult {
  run: ToolRun;
  /** nextpnr's "Device utilisation" table: ICESTORM_LC, ICESTORM_RAM, SB_IO, ... */
  utilisation: Record<string, Utilisation>;
  /** Fmax of the main clock (the last report wins: nextpnr reports after placement and after routing). */
  fmaxMHz?: number;
  criticalPath?: CriticalPath;
  /** The first ERROR line, if nextpnr failed. */
  error?: string;
}

export function nextpnrArgs(board: Board, json: string, pcf: string, asc: string, freqMHz: number): string[] {
  return [`--${board.device}`, '--package', board.package, '--json', json, '--pcf', pcf, '--asc', asc,
    '--freq', String(freqMHz), '--timing-allow-fail', '--seed', '1'];
}

export function parseUtilisation(log: string): Record<string, Utilisation> {
  const out: Record<string, Utilisation> = {};
  for (const m of log.matchAll(/^Info:\s+(\w+):\s+(\d+)\/\s*(\d+)\s+\d+%/gm)) out[m[1]!] = { used: Number(m[2]), available: Number(m[3]) };
  return out;
}

/**
 * The clock-to-clock Fmax nextpnr last reported (`Max frequency for clock '...': 25.30 MHz (PASS at 12.00 MHz)`).
 * A clock that misses its target is reported as `Warning:` after routing, `Info:` otherwise: take both,
 * or a failing design would show the placement estimate.
 */
export function parseFmax(log: string): number | undefined {
  const all = [...log.matchAll(/^(?:Info|Warning): Max frequency for clock '[^']*': ([\d.]+) MHz/gm)];
  return all.length ? Number(all[all.length - 1]![1]) : undefined;
}

/** The last clock-to-clock critical path report (after routing). */
export function parseCriticalPath(log: string): CriticalPath | undefined {
  const start = log.lastIndexOf("Critical path report for clock '");
  if (start < 0) return undefined;
  const block = log.slice(start).split('\n\n')[0]!.split('\n');
  let delayNs = 0;
  let levels = 0;
  let from = '';
  let to = '';
  const sources: string[] = [];
  let inDefined = false;
  for (const line of block) {
    const step = /^Info:\s+([\d.]+)\s+([\d.]+)\s+(Source|Net)\s+(\S+)/.exec(line);
    if (step) {
      inDefined = false;
      delayNs = Number(step[2]);
      if (step[3] === 'Source') {
        levels++;
        if (!from) from = step[4]!;
      }
      continue;
    }
    const sink = /^Info:\s+Sink\s+(\S+)/.exec(line);
    if (sink) { to = sink[1]!; inDefined = false; continue; }
    if (/^Info:\s+Defined in:/.test(line)) { inDefined = true; continue; }
    const loc = inDefined ? /^Info:\s+(\S+?):(\d+)\.\d+-\d+\.\d+/.exec(line) : null;
    if (loc && !loc[1]!.includes('/share/yosys/')) {
      const where = `${loc[1]}:${loc[2]}`;
      if (sources[sources.length - 1] !== where && !sources.includes(where)) sources.push(where);
    }
  }
  return levels ? { delayNs, levels, from, to, sources } : undefined;
}

/** Turns nextpnr's log lines into short progress messages (phase changes and router iterations). */
export function progressOf(line: string): string | undefined {
  if (/^Info: Packing constants/.test(line)) return 'packing';
  if (/^Info: Creating initial analytic placement/.test(line)) return 'placing: analytic (HeAP)';
  if (/^Info: Running simulated annealing placer/.test(line)) return 'placing: annealing';
  if (/^Info: Routing\.\./.test(line)) return 'routing';
  const it = /^Info:\s+(\d+)\s*\|\s*\d+\s+\d+\s*\|\s*\d+\s+\d+\s*\|\s*(\d+)\s*\|/.exec(line);
  if (it) return `routing: iteration ${it[1]}, ${it[2]} arcs left`;
  if (/^Info: Routing complete/.test(line)) return 'routed';
  const f = /^(?:Info|Warning): Max frequency for clock '[^']*': ([\d.]+) MHz/.exec(line);
  if (f) return `timing: Fmax ${f[1]} MHz`;
  if (/^ERROR:/.test(line)) return line;
  return undefined;
}

export async function placeAndRoute(args: readonly string[], onProgress?: (msg: string) => void): Promise<PnrResult> {
  const run = await runTool('nextpnr-ice40', args, {
    onLine: (line) => { const msg = progressOf(line); if (msg && onProgress) onProgress(msg); },
  });
  const result: PnrResult = { run, utilisation: parseUtilisation(run.log) };
  const fmax = parseFmax(run.log);
  if (fmax !== undefined) result.fmaxMHz = fmax;
  const path = parseCriticalPath(run.log);
  if (path) result.criticalPath = path;
  const err = /^ERROR: .*$/m.exec(run.log);
  if (!run.ok) result.error = err ? err[0] : `nextpnr-ice40 exited with ${run.exitCode}`;
  return result;
}

/**
 * The lint gate: every module of a configuration must pass Verilator `--lint-only -Wall` with zero
 * warnings, yosys `synth` + `check -assert` with no latch cells, and `iverilog -g2005`. The tool
 * runners live in generator/emit/toolcheck.ts (one copy); modules are checked in parallel by
 * worker threads, up to the number of cores.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ToolName, ToolResult } from '../emit/toolcheck.js';

export interface LintTarget {
  /** Top module to check; `files` must hold it and everything it instantiates. */
  top: string;
  files: readonly string[];
}

/** @internal message to a worker */
export interface LintJob { id: number; top: string; files: readonly string[]; cells: boolean }
/** @internal reply from a worker */
export interface LintJobResult { id: number; results: ToolResult[]; cells?: number; ms: number }

export interface LintOutcome {
  target: LintTarget;
  results: ToolResult[];
  ok: boolean;
  /** Cells after `synth_ice40` (LUTs, flip-flops, carries, RAMs...), when asked for and synthesis passed. */
  cells?: number;
  ms: number;
}

export interface GateReport {
  ok: boolean;
  outcomes: LintOutcome[];
}

const WORKER_URL = new URL('./worker.ts', import.meta.url).href;
const TSX_API_URL = tsxApiUrl();
const TOOLS: readonly ToolName[] = ['verilator', 'yosys', 'iverilog'];

export interface GateOptions {
  /** Parallel workers (default: the number of cores). */
  jobs?: number;
  /** Also synthesise for iCE40 to count cells (one more yosys run per module; default true). */
  cells?: boolean;
  /** Called as each module finishes (for progress). */
  onDone?: (o: LintOutcome) => void;
}

export async function runLintGate(targets: readonly LintTarget[], opts: GateOptions = {}): Promise<GateReport> {
  const jobs = Math.max(1, Math.min(opts.jobs ?? availableParallelism(), targets.length));
  const outcomes: LintOutcome[] = new Array(targets.length);
  let next = 0;
  const workers = Array.from({ length: jobs }, () => startWorker());
  try {
    await Promise.all(workers.map(async (w) => {
      while (next < targets.length) {
        const id = next++;
        const target = targets[id]!;
        const reply = await w.run({ id, top: target.top, files: target.files, cells: opts.cells ?? true });
        const outcome: LintOutcome = { target, results: reply.results, ok: reply.results.every((r) => r.ok), ms: reply.ms };
        if (reply.cells !== undefined) outcome.cells = reply.cells;
        outcomes[id] = outcome;
        opts.onDone?.(outcome);
      }
    }));
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
  return { ok: outcomes.every((o) => o.ok), outcomes };
}

interface GateWorker {
  run(job: LintJob): Promise<LintJobResult>;
  stop(): Promise<number>;
}

function startWorker(): GateWorker {
  // The worker is TypeScript too: a small JavaScript bootstrap registers tsx (as bin/smartdeal.js
  // does) before importing it, since a worker does not inherit the parent's module hooks.
  const bootstrap = `import(${JSON.stringify(TSX_API_URL)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_URL)}); });`;
  const worker = new Worker(bootstrap, { eval: true });
  let pending: { resolve: (r: LintJobResult) => void; reject: (e: unknown) => void } | undefined;
  worker.on('message', (r: LintJobResult) => { const p = pending; pending = undefined; p?.resolve(r); });
  worker.on('error', (e) => { const p = pending; pending = undefined; p?.reject(e); });
  return {
    run: (job) => new Promise((resolve, reject) => { pending = { resolve, reject }; worker.postMessage(job); }),
    stop: () => worker.terminate(),
  };
}

/** The table printed by `smartdeal lint`: module, one column per tool, cells. */
export function formatGateTable(report: GateReport): string {
  const rows = report.outcomes.map((o) => [
    o.target.top,
    ...TOOLS.map((t) => verdict(o.results.find((r) => r.tool === t))),
    o.cells === undefined ? '-' : String(o.cells),
  ]);
  return formatTable(['module', ...TOOLS, 'ice40 cells'], rows);
}

function verdict(r: ToolResult | undefined): string {
  if (!r) return '-';
  if (r.ok) return 'ok';
  if (r.latchCells) return `FAIL (${r.latchCells} latch)`;
  const warnings = (r.output.match(/%Warning-/g) ?? []).length;
  return warnings ? `FAIL (${warnings} warn)` : 'FAIL';
}

/** The tool output of the first `limit` failures, each headed by module, tool and command. */
export function describeGateFailures(report: GateReport, limit = 3): string {
  const failures = report.outcomes.flatMap((o) => o.results.filter((r) => !r.ok).map((r) => ({ top: o.target.top, r })));
  const shown = failures.slice(0, limit).map(({ top, r }) => `${top}: ${r.tool} failed: ${r.command}\n${trimOutput(r.output)}`);
  if (failures.length > limit) shown.push(`... and ${failures.length - limit} more failure(s)`);
  return shown.join('\n\n');
}

function trimOutput(text: string, maxLines = 30): string {
  const lines = text.trim().split('\n');
  return lines.length <= maxLines ? lines.join('\n') : [...lines.slice(0, maxLines), `... (${lines.length - maxLines} more lines)`].join('\n');
}

/** A plain text table with left-aligned columns. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** file: URL of tsx's ESM register API, found from this package (works from any cwd). */
function tsxApiUrl(): string {
  const pkgPath = createRequire(import.meta.url).resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  return pathToFileURL(join(dirname(pkgPath), pkg.exports['./esm/api']!.import.default)).href;
}

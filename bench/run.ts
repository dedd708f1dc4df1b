/**
 * `make bench`: runs every benchmark script one after another (never in parallel: they measure
 * time on a shared 2-core machine), collects the JSON line each prints last, and writes the report
 * (build/bench/report.md + report-plots/*.svg and build/bench/report.html, bench/report/) with the
 * machine and the date, and every bench's JSON in build/bench/results.json. Benches not selected
 * this time keep their result from the previous results.json (the report shows their date).
 *
 * Usage: npx tsx bench/run.ts [--quick] [--report-only] [name ...]   (no names: all benchmarks)
 *   --quick (make bench QUICK=1): few images, short training, small sweeps: a fast look.
 *   --report-only: no bench runs; the report from build/bench/results.json and the sweep files.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../common/atomic-write.js';
import { readSweeps } from './report/sweeps.js';
import type { BenchOutcome, CompareResult, ReportInput } from './report/types.js';
import { writeReport } from './report/write.js';

interface BenchEntry {
  name: string;
  script: string;
  what: string;
  args?: string[];
  /** Arguments and environment of a QUICK run. */
  quickArgs?: string[];
  quickEnv?: Record<string, string>;
}

const BENCHES: BenchEntry[] = [
  { name: 'dsl-elaborate', script: 'bench/dsl-elaborate.ts', what: 'DSL elaborate + check + emit of a >= 10,000-cell design (goal < 1 s)' },
  { name: 'harness-speed', script: 'bench/harness-speed.ts', what: 'Verilator harness: cycles/s of pure C++, sync path and coroutine path; build times' },
  { name: 'train-throughput', script: 'bench/train-throughput.ts', what: 'training images/s against @tensorflow/tfjs (CPU) on the same model and batch' },
  {
    name: 'train-mnist', script: 'bench/train-mnist.ts', what: 'MNIST and Fashion-MNIST: float, SD and integer accuracy, SD storage',
    quickEnv: { BENCH_EPOCHS: '1', BENCH_PRUNE_EPOCHS: '1', BENCH_SD_EPOCHS: '1', BENCH_TRAIN_LIMIT: '5000' },
  },
  { name: 'engine-cycles', script: 'bench/engine-cycles.ts', what: 'SD engine on the MNIST model (configs/default.json): cycles per layer against the ideal bound (goal <= 1.15x on conv layers), Verilator check, dense baseline' },
  {
    name: 'engine-mnist', script: 'bench/engine-mnist.ts', what: 'MNIST on the SD engine and the dense baseline in Verilator: 1,000 images each, bit-exact with golden + cycle model; accuracy, cycles/image, images/s',
    quickArgs: ['--images', '50', '--dense-images', '50'],
  },
  {
    name: 'compare', script: 'bench/compare.ts', what: 'SD engine against the dense baseline on MNIST and Fashion-MNIST: weight bits, off-chip bytes, accesses, cycles (Verilator), energy, accuracy, FPGA area',
    quickArgs: ['--quick'],
  },
  { name: 'sweeps', script: 'bench/sweeps.ts', what: 'sweeps (bench/sweeps.ts): accuracy and energy against pruning and Ce threshold; PE shapes and Ce exponent bits against cycles, area, energy', quickArgs: ['--quick'] },
];

const outDir = 'build/bench';
const resultsFile = join(outDir, 'results.json');
const args = process.argv.slice(2);
const quick = args.includes('--quick') || process.env.QUICK === '1';
const reportOnly = args.includes('--report-only');
const selected = args.filter((a) => !a.startsWith('--'));
for (const name of selected) {
  if (!BENCHES.some((b) => b.name === name)) {
    process.stderr.write(`bench: no benchmark ${JSON.stringify(name)}; expected one of ${BENCHES.map((b) => b.name).join(', ')}\n`);
    process.exit(2);
  }
}

interface StoredOutcome extends BenchOutcome { date: string; quick: boolean }
const previous = readPrevious();
const results: StoredOutcome[] = [];
const ranNow = new Set<string>();

for (const entry of BENCHES) {
  const chosen = !reportOnly && (selected.length === 0 || selected.includes(entry.name));
  if (!chosen) {
    const old = previous.find((p) => p.name === entry.name);
    if (old) results.push({ ...old, what: entry.what });
    continue;
  }
  if (!existsSync(entry.script)) {
    process.stderr.write(`\n=== bench ${entry.name}: ${entry.script} does not exist; not run\n`);
    continue;
  }
  process.stderr.write(`\n=== bench ${entry.name}: ${entry.what}\n`);
  const t0 = Date.now();
  const runArgs = ['tsx', entry.script, ...(entry.args ?? []), ...(quick ? entry.quickArgs ?? [] : [])];
  const env = { ...process.env, ...(quick ? entry.quickEnv ?? {} : {}) };
  const run = spawnSync('npx', runArgs, { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', env, maxBuffer: 256 * 2 ** 20 });
  const seconds = (Date.now() - t0) / 1000;
  ranNow.add(entry.name);
  process.stdout.write(run.stdout ?? '');
  const data = lastJsonLine(run.stdout ?? '');
  results.push({ name: entry.name, what: entry.what, ok: run.status === 0 && data !== undefined, seconds, data, date: new Date().toISOString(), quick });
}

const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
const date = new Date().toISOString();
writeFileAtomic(resultsFile, JSON.stringify({ machine, date, results }, null, 2) + '\n');

const compare = results.find((r) => r.name === 'compare' && r.ok)?.data as CompareResult | undefined;
const input: ReportInput = {
  date, machine, quick: quick || results.some((r) => r.quick),
  benches: results.map((r) => ({ ...r, what: ranNow.has(r.name) ? r.what : `${r.what} (result of an earlier run, ${r.date})` })),
  compare: compare ?? null,
  sweeps: readSweeps(join(outDir, 'sweeps')),
};
const written = writeReport(input, outDir);
process.stderr.write(`\nbench: report written to ${written.markdown} and ${written.html} (${written.plots.length} plots)\n`);
if (results.some((r) => !r.ok)) process.exit(1);

/** The results of the previous run (older files lack the date and the quick flag: the file's date stands in). */
function readPrevious(): StoredOutcome[] {
  if (!existsSync(resultsFile)) return [];
  const file = JSON.parse(readFileSync(resultsFile, 'utf8')) as { date?: string; results?: Partial<StoredOutcome>[] };
  return (file.results ?? []).filter((r) => typeof r.name === 'string').map((r) => ({
    name: r.name!, what: r.what ?? '', ok: r.ok === true, seconds: r.seconds ?? 0, data: r.data, date: r.date ?? file.date ?? 'unknown date', quick: r.quick === true,
  }));
}

function lastJsonLine(text: string): unknown {
  const lines = text.trim().split('\n').reverse();
  for (const line of lines) {
    const t = line.trim();
    if (!t.startsWith('{')) continue;
    try {
      return JSON.parse(t);
    } catch {
      continue;
    }
  }
  return undefined;
}

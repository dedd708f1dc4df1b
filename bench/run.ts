/**
 * `make bench`: runs every benchmark script one after another (never in parallel: they measure
 * time on a shared 2-core machine), collects the JSON line each prints last, and writes a Markdown
 * report with the machine and the date under build/bench/.
 *
 * Usage: npx tsx bench/run.ts [name ...]   (no names: all benchmarks)
 */
import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../common/atomic-write.js';

interface BenchEntry {
  name: string;
  script: string;
  what: string;
}

const BENCHES: BenchEntry[] = [
  { name: 'dsl-elaborate', script: 'bench/dsl-elaborate.ts', what: 'DSL elaborate + check + emit of a >= 10,000-cell design (goal < 1 s)' },
  { name: 'harness-speed', script: 'bench/harness-speed.ts', what: 'Verilator harness: cycles/s of pure C++, sync path and coroutine path; build times' },
  { name: 'train-throughput', script: 'bench/train-throughput.ts', what: 'training images/s against @tensorflow/tfjs (CPU) on the same model and batch' },
  { name: 'train-mnist', script: 'bench/train-mnist.ts', what: 'MNIST and Fashion-MNIST: float, SD and integer accuracy, SD storage' },
  { name: 'engine-cycles', script: 'bench/engine-cycles.ts', what: 'SD engine on the MNIST model (configs/default.json): cycles per layer against the ideal bound (goal <= 1.15x on conv layers), Verilator check, dense baseline' },
  { name: 'engine-mnist', script: 'bench/engine-mnist.ts', what: 'MNIST on the SD engine and the dense baseline in Verilator: 1,000 images each, bit-exact with golden + cycle model; accuracy, cycles/image, images/s' },
];

const outDir = 'build/bench';
const selected = process.argv.slice(2);
const results: { entry: BenchEntry; ok: boolean; data: unknown; seconds: number }[] = [];

for (const entry of BENCHES) {
  if (selected.length > 0 && !selected.includes(entry.name)) continue;
  process.stderr.write(`\n=== bench ${entry.name}: ${entry.what}\n`);
  const t0 = Date.now();
  const run = spawnSync('npx', ['tsx', entry.script], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  const seconds = (Date.now() - t0) / 1000;
  process.stdout.write(run.stdout ?? '');
  const data = lastJsonLine(run.stdout ?? '');
  results.push({ entry, ok: run.status === 0 && data !== undefined, data, seconds });
}

const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
const lines = [
  '# Benchmark report',
  '',
  `- date: ${new Date().toISOString()}`,
  `- machine: ${machine}`,
  '',
];
for (const r of results) {
  lines.push(`## ${r.entry.name}`, '', r.entry.what, '', `status: ${r.ok ? 'ok' : 'FAILED'} (${r.seconds.toFixed(1)} s)`, '');
  if (r.data !== undefined) lines.push('```json', JSON.stringify(r.data, null, 2), '```', '');
}
writeFileAtomic(join(outDir, 'report.md'), lines.join('\n'));
writeFileAtomic(join(outDir, 'results.json'), JSON.stringify({ machine, date: new Date().toISOString(), results: results.map((r) => ({ name: r.entry.name, ok: r.ok, seconds: r.seconds, data: r.data })) }, null, 2));
process.stderr.write(`\nbench: report written to ${join(outDir, 'report.md')}\n`);
if (results.some((r) => !r.ok)) process.exit(1);

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

/**
 * Design-space sweeps (issue 7; docs/bench.md "Sweeps"), each point run on the worker pool
 * (bench/sweep/pool.ts), stored one file per point so an interrupted run resumes:
 *
 * - pruning:      conv2 group-pruned row fraction -> integer accuracy, energy, cycles, weight bits
 * - ce-threshold: the Ce quantizer's threshold     -> the same
 * - pe-shape:     peRows x peCols of the shipped model -> cycles, area (yosys), energy
 * - ce-exp-bits:  ceExpBits 1..4 (decomposition and engine) -> accuracy, cycles, area, energy
 *
 * Usage: npx tsx bench/sweeps.ts [--quick] [--jobs N] [--root DIR] [--fresh] [name ...]   (no names: all)
 * Stored points are reused whatever the code that made them: after changing the code, --fresh.
 * Writes build/bench/sweeps/<sweep>/<hash>.json per point, build/bench/sweeps/<sweep>.json (all
 * points, the machine, the date) and <sweep>.md (a table); prints one JSON line at the end.
 * Exit code 1 when a point failed, 130 after Ctrl-C (run again to resume).
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { writeFileAtomic } from '../common/atomic-write.js';
import { isUserError, UserError } from '../common/user-error.js';
import { SHIPPED_CHECKPOINT } from '../sw/flow/model.js';
import { defaultJobs, interruptSignal, runSweep, type PointTask } from './sweep/pool.js';
import { BASE_CONFIG, type CompressionParams, type CompressionSettings, type ShapeParams } from './sweep/points.js';
import { DEFAULT_SWEEP_ROOT, type Json, type SweepSummary } from './sweep/store.js';
import { sweepTable } from './sweep/table.js';

interface SweepDef {
  name: string;
  what: string;
  fn: string;
  points(quick: boolean): Json[];
  /** How the points were made, for the summary and the docs. */
  method: string;
}

const POINTS_MODULE = fileURLToPath(new URL('./sweep/points.ts', import.meta.url));

/** The shipped model's compression (models/README.md) and the short fine-tune every compression point gets. */
function compressionSettings(quick: boolean, area = false): CompressionSettings {
  return {
    conv2Prune: 0.33, fcPrune: 0.76, groupSize: 4, threshold: 2 ** -4, expBits: 3,
    trainImages: quick ? 2000 : 20_000, sdEpochs: 1, testImages: quick ? 1000 : 10_000, goldenImages: quick ? 2 : 4, area,
  };
}

/** One point per value of the swept setting, the others under `settings`. */
function compressionPoints(key: keyof CompressionSettings & string, values: number[], settings: CompressionSettings): Json[] {
  return values.map((v) => ({ [key]: v, settings }) satisfies CompressionParams);
}

const COMPRESSION_METHOD =
  'From the float weights of models/mnist-small-sd.ckpt: structural group pruning (groups of 4 outputs) of conv2 and of the classifier (76 % of its rows), ' +
  'SD decomposition (blockRows 264), 1 epoch of SD fine-tuning (straight-through, Adam 2e-3, 1-pixel shifts) on the first trainImages training images, ' +
  'integer quantization (300 calibration images), integer accuracy on the first testImages test images, packed for configs/default.json ' +
  '(ceExpBits as the point says), golden model on goldenImages test images: events -> sw/energy (mean per image), cycle model.';

const SWEEPS: SweepDef[] = [
  {
    name: 'pruning', what: 'accuracy and energy against the conv2 group-pruned row fraction', fn: 'compressionPoint', method: COMPRESSION_METHOD,
    points: (quick) => compressionPoints('conv2Prune', quick ? [0, 0.5, 0.8] : [0, 0.2, 0.33, 0.5, 0.66, 0.8], compressionSettings(quick)),
  },
  {
    name: 'ce-threshold', what: 'accuracy and energy against the Ce quantizer threshold (layer units: max |w| in [1, 2))', fn: 'compressionPoint', method: COMPRESSION_METHOD,
    points: (quick) => compressionPoints('threshold', quick ? [2 ** -6, 2 ** -4, 2 ** -2] : [0, 2 ** -6, 2 ** -5, 2 ** -4, 2 ** -3, 2 ** -2], compressionSettings(quick)),
  },
  {
    name: 'pe-shape', what: 'cycles, area and energy against the PE array shape (shipped model)', fn: 'shapePoint',
    method: 'The shipped SD model (models/mnist-small-sd.ckpt, quantized with 300 calibration images) packed for configs/default.json with peRows x peCols PEs; ' +
      'CE/W depths scaled to keep their bits, activation banks to keep their bytes (bench/sweep/points.ts shapeConfig); for peRows above the model\'s pruning group (4) ' +
      'the groups are merged to peRows outputs (kept rows = union), so no PE row idles; golden events -> sw/energy, cycle model; area: yosys synth_ice40 (UP5K) of the engine in the scan wrapper.',
    points: (quick) => (quick ? [[1, 1], [2, 2], [4, 2], [8, 2]] : [[1, 1], [2, 1], [2, 2], [4, 1], [4, 2], [4, 4], [8, 2]]).map(([peRows, peCols]): ShapeParams => ({
      peRows: peRows!, peCols: peCols!, settings: { goldenImages: quick ? 2 : 4, area: !quick || (peRows === 1 && peCols === 1) },
    })),
  },
  {
    name: 'ce-exp-bits', what: 'accuracy, cycles, area and energy against the Ce exponent bits', fn: 'compressionPoint', method: COMPRESSION_METHOD + ' The decomposition uses 2^expBits - 1 exponents per block; area as in pe-shape.',
    points: (quick) => compressionPoints('expBits', quick ? [2, 3] : [1, 2, 3, 4], compressionSettings(quick, !quick)),
  },
];

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a positive integer, found "${v}"`);
  return n;
}

async function main(): Promise<number> {
  const program = new Command('sweeps')
    .description('design-space sweeps on a resumable parallel worker pool')
    .argument('[names...]', `sweeps to run (${SWEEPS.map((s) => s.name).join(', ')}; default all)`)
    .option('--quick', 'few points, 1,000 test images, area only for the 1x1 PE array', false)
    .option('--jobs <n>', 'worker processes', positiveInt, defaultJobs())
    .option('--root <dir>', 'results folder', DEFAULT_SWEEP_ROOT)
    .option('--fresh', 'delete the stored points of the chosen sweeps first (after a code change)', false)
    .exitOverride();
  program.parse(process.argv);
  const names = program.args;
  const o = program.opts<{ quick: boolean; jobs: number; root: string; fresh: boolean }>();
  for (const n of names) {
    if (!SWEEPS.some((s) => s.name === n)) throw new UserError(`unknown sweep "${n}"; expected one of ${SWEEPS.map((s) => s.name).join(', ')}`);
  }
  const chosen = names.length ? SWEEPS.filter((s) => names.includes(s.name)) : SWEEPS;
  const { signal, dispose } = interruptSignal(() => process.stderr.write('\nstopping: finished points are kept; run the same command again to resume (Ctrl-C again to quit at once)\n'));
  const commit = gitCommit();
  const lines: Json[] = [];
  let failed = 0;
  try {
    for (const s of chosen) {
      const task: PointTask = { module: POINTS_MODULE, fn: s.fn };
      if (o.fresh) rmSync(join(o.root, s.name), { recursive: true, force: true });
      const t0 = performance.now();
      const out = await runSweep({
        sweep: s.name, points: s.points(o.quick), task, jobs: o.jobs, root: o.root, signal,
        info: { what: s.what, method: s.method, quick: o.quick, jobs: o.jobs, checkpoint: SHIPPED_CHECKPOINT, baseConfig: BASE_CONFIG, commit },
      });
      if (out.interrupted) {
        process.stderr.write(`sweep ${s.name}: interrupted, ${out.ran} point(s) finished now and stored\n`);
        return 130;
      }
      failed += out.failed;
      const seconds = Math.round((performance.now() - t0) / 1000);
      const summary = out.summary as SweepSummary;
      const table = sweepTable(summary);
      writeFileAtomic(out.summaryFile!.replace(/\.json$/, '.md'), table);
      process.stderr.write(`\n${table}\n`);
      process.stderr.write(`sweep ${s.name}: ${out.ran} run, ${out.skipped} resumed, ${out.failed} failed, ${seconds} s -> ${out.summaryFile}\n`);
      lines.push({ sweep: s.name, summary: out.summaryFile!, points: summary.points.length, ran: out.ran, resumed: out.skipped, failed: out.failed, seconds });
    }
  } finally {
    dispose();
  }
  process.stdout.write(JSON.stringify({ bench: 'sweeps', quick: o.quick, jobs: o.jobs, sweeps: lines }) + '\n');
  return failed > 0 ? 1 : 0;
}

main().then((code) => {
  process.exitCode = code;
}, (e: unknown) => {
  const err = e as { code?: string; exitCode?: number };
  if (err.code?.startsWith('commander.')) {
    process.exitCode = err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? 0 : 2;
    return;
  }
  process.stderr.write(isUserError(e) ? `sweeps: ${e.message}\n` : `${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});

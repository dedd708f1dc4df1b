/**
 * `smartdeal rtl | lint | demo | examples`: generate Verilog from a configuration (an engine
 * configuration, sw/engine/config.ts, gives the SD or dense engine; an examples configuration the
 * example library), run the lint gate on it, the MNIST flow end to end on the engine (sw/flow), and
 * a short simulation of each example.
 */
import { basename, extname, join, relative } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../common/user-error.js';
import { loadExamplesConfig } from './examples/config.js';
import { generateEngine } from './engine/engine-top.js';
import { isEngineConfigFile, loadConfig } from '../sw/engine/config.js';
import { describeGateFailures, formatGateTable, formatTable, runLintGate, type GateReport, type LintTarget } from './lint/gate.js';
import { generateExamples } from './lint/generate.js';

const DEFAULT_CONFIG = 'configs/examples.json';
const defaultOut = (config: string): string => join('rtl-out', basename(config, extname(config)));

interface GenerateCli { config: string; out?: string }
interface LintCli extends GenerateCli { jobs?: string; cells: boolean }

function generate(o: GenerateCli): { modules: LintTarget[]; out: string } {
  const out = o.out ?? defaultOut(o.config);
  const started = Date.now();
  let modules: LintTarget[];
  let rows: string[][];
  if (isEngineConfigFile(o.config)) {
    const lc = loadConfig(o.config);
    const engine = generateEngine(lc.config, out);
    modules = [engine];
    rows = [[engine.top, String(engine.files.length), String(engine.irCells)]];
  } else {
    const examples = generateExamples(loadExamplesConfig(o.config).examples, out);
    modules = examples;
    rows = examples.map((m) => [m.top, String(m.files.length), String(m.irCells)]);
  }
  const files = new Set(modules.flatMap((m) => m.files));
  process.stdout.write(formatTable(['module', 'files', 'ir cells'], rows) + '\n');
  process.stdout.write(`wrote ${files.size} Verilog files for ${modules.length} modules to ${relative(process.cwd(), out) || '.'} in ${Date.now() - started} ms\n`);
  return { modules, out };
}

function parseJobs(jobs: string | undefined): number | undefined {
  if (jobs === undefined) return undefined;
  const n = Number(jobs);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`--jobs: expected a positive integer, found ${JSON.stringify(jobs)}`);
  return n;
}

async function lint(modules: readonly LintTarget[], opts: { jobs?: number | undefined; cells: boolean }): Promise<GateReport> {
  const started = Date.now();
  let done = 0;
  const report = await runLintGate(modules, {
    ...(opts.jobs !== undefined ? { jobs: opts.jobs } : {}), cells: opts.cells,
    onDone: (o) => process.stderr.write(`lint ${++done}/${modules.length} ${o.target.top}: ${o.ok ? 'ok' : 'FAILED'} (${(o.ms / 1000).toFixed(1)} s)\n`),
  });
  process.stdout.write(formatGateTable(report) + '\n');
  process.stdout.write(`lint gate: ${report.outcomes.filter((o) => o.ok).length}/${modules.length} modules clean in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return report;
}

function failIfDirty(report: GateReport): void {
  if (report.ok) return;
  const failed = report.outcomes.filter((o) => !o.ok).map((o) => o.target.top);
  throw new UserError(`lint gate failed for ${failed.join(', ')}:\n${describeGateFailures(report)}`);
}

export function registerGeneratorCommands(program: Command): void {
  program.command('rtl')
    .description('generate the Verilog of the engine (engine configuration) or of every example a configuration lists')
    .option('--config <json>', 'configuration file', DEFAULT_CONFIG)
    .option('--out <dir>', 'output folder (default rtl-out/<config name>)')
    .action((o: GenerateCli) => { generate(o); });

  program.command('lint')
    .description('generate, then run the lint gate: Verilator -Wall, yosys synth + check (no latches), iverilog -g2005')
    .option('--config <json>', 'configuration file', DEFAULT_CONFIG)
    .option('--out <dir>', 'output folder (default rtl-out/<config name>)')
    .option('--jobs <n>', 'modules checked in parallel (default: the number of cores)')
    .option('--no-cells', 'skip the iCE40 synthesis that counts cells')
    .action(async (o: LintCli) => {
      const { modules } = generate(o);
      failIfDirty(await lint(modules, { jobs: parseJobs(o.jobs), cells: o.cells }));
    });

  program.command('demo')
    .description('MNIST end to end: shipped SD checkpoint (or --train), quantize, pack, generate the engine, run test images on Verilator bit-exact against the golden model; accuracy, cycles, storage')
    .option('--images <n>', 'MNIST test images run on the RTL', '200')
    .option('--ckpt <file>', 'checkpoint with an SD model (default: the shipped models/mnist-small-sd.ckpt)')
    .option('--train', 'train a short model first (1 float + 1 SD epoch on 20,000 images) instead of loading one')
    .option('--config <json>', 'SD engine configuration', 'configs/default.json')
    .option('--dense-config <json>', 'dense baseline configuration (storage comparison)', 'configs/dense.json')
    .option('--out <dir>', 'engine Verilog folder (default rtl-out/<config name>)')
    .option('--work <dir>', 'integer model, packed images and summary.json', 'build/demo')
    .action(async (o: { images: string; ckpt?: string; train?: boolean; config: string; denseConfig: string; out?: string; work: string }) => {
      const { runEngineDemo } = await import('../sw/flow/demo.js');
      const images = Number(o.images);
      if (!Number.isInteger(images) || images < 1) throw new UserError(`--images: expected a positive integer, found ${JSON.stringify(o.images)}`);
      await runEngineDemo({
        images, config: o.config, denseConfig: o.denseConfig, rtlOut: o.out ?? defaultOut(o.config), work: o.work,
        ...(o.ckpt !== undefined ? { ckpt: o.ckpt } : {}), ...(o.train ? { train: true } : {}),
      });
    });

  program.command('examples')
    .description('generate the example library, lint it and run a short simulation of each module against its TypeScript model')
    .option('--config <json>', 'configuration file', DEFAULT_CONFIG)
    .option('--out <dir>', 'output folder (default rtl-out/<config name>)')
    .option('--cycles <n>', 'cycles simulated per module', '2000')
    .option('--seed <n>', 'random seed of the stimuli', '1')
    .action(async (o: GenerateCli & { cycles: string; seed: string }) => {
      const { runDemo } = await import('./examples/demo.js');
      await runDemo({ ...o, out: o.out ?? defaultOut(o.config) });
    });
}

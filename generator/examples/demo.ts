/**
 * `smartdeal examples`: generate the example library, run the lint gate,
 * then a short simulation of each module on the Verilator harness against its TypeScript model.
 */
import { UserError } from '../../common/user-error.js';
import { loadExamplesConfig } from './config.js';
import { describeGateFailures, formatTable, runLintGate } from '../lint/gate.js';
import { generateExamples } from '../lint/generate.js';
import { regressExample, summarize } from '../../verif/regress/index.js';

export interface DemoOptions { config: string; out: string; cycles: string; seed: string }

export async function runDemo(o: DemoOptions): Promise<void> {
  const cycles = Number(o.cycles);
  const seed = Number(o.seed);
  if (!Number.isInteger(cycles) || cycles < 100) throw new UserError(`--cycles: expected an integer >= 100, found ${JSON.stringify(o.cycles)}`);
  if (!Number.isInteger(seed) || seed < 0) throw new UserError(`--seed: expected a non-negative integer, found ${JSON.stringify(o.seed)}`);
  const started = Date.now();
  const modules = generateExamples(loadExamplesConfig(o.config).examples, o.out);
  process.stderr.write(`generated ${modules.length} modules into ${o.out}; running the lint gate\n`);
  const gate = await runLintGate(modules, { onDone: (g) => process.stderr.write(`lint ${g.target.top}: ${g.ok ? 'ok' : 'FAILED'}\n`) });
  const rows: string[][] = [];
  let failures = 0;
  for (const [i, m] of modules.entries()) {
    const g = gate.outcomes[i]!;
    const r = await regressExample(m.entry, m.emitted, { seed, cycles });
    process.stderr.write(`${summarize(m.top, r)}\n`);
    const simOk = r.mismatches.length === 0;
    if (!simOk || !g.ok) failures++;
    rows.push([m.top, g.cells === undefined ? '-' : String(g.cells), g.ok ? 'clean' : 'FAILED',
      simOk ? `pass (${r.compared} ${r.what.split(' (')[0]})` : `FAIL: ${r.mismatches[0]}`, String(r.cycles)]);
  }
  process.stdout.write(formatTable(['module', 'ice40 cells', 'lint', 'simulation vs TS model', 'cycles'], rows) + '\n');
  process.stdout.write(`demo: ${modules.length - failures}/${modules.length} modules lint-clean and matching their models (seed ${seed}) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  if (!gate.ok) throw new UserError(`lint gate failed:\n${describeGateFailures(gate)}`);
  if (failures) throw new UserError(`${failures} module(s) did not match their TypeScript models (seed ${seed}); see the table above`);
}

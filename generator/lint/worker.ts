/**
 * Worker thread of the lint gate: runs the three tools on one module at a time (the tool runners
 * are synchronous, so parallelism comes from several of these workers).
 */
import { parentPort } from 'node:worker_threads';
import { ice40Cells, toolcheck } from '../emit/toolcheck.js';
import type { LintJob, LintJobResult } from './gate.js';

parentPort!.on('message', (job: LintJob) => {
  const started = Date.now();
  const r = toolcheck(job.files, job.top);
  const reply: LintJobResult = { id: job.id, results: r.results, ms: 0 };
  const synthOk = r.results.find((x) => x.tool === 'yosys')?.ok ?? false;
  if (job.cells && synthOk) {
    const ice40 = ice40Cells(job.files, job.top);
    if (ice40.ok) reply.cells = Object.values(ice40.cells).reduce((a, b) => a + b, 0);
  }
  reply.ms = Date.now() - started;
  parentPort!.postMessage(reply);
});

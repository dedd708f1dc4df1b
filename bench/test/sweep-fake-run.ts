/**
 * Runs the fake sweep in its own process, so the pool test can kill it mid-sweep:
 * npx tsx bench/test/sweep-fake-run.ts <root> <runsDir> <points> <sleepMs> <jobs>
 * Exits 130 after a clean interrupt, 0 when every point finished.
 */
import { interruptSignal, runSweep } from '../sweep/pool.js';
import { fakePoints } from './sweep-fake-point.js';

const [root, runsDir, n, sleepMs, jobs] = process.argv.slice(2);
const { signal, dispose } = interruptSignal();
const out = await runSweep({
  sweep: 'fake', points: fakePoints(Number(n), runsDir!, { sleepMs: Number(sleepMs) }),
  task: { module: new URL('./sweep-fake-point.ts', import.meta.url).href, fn: 'fakePoint' },
  jobs: Number(jobs), root: root!, signal, progress: false,
});
dispose();
process.stdout.write(`${JSON.stringify({ ran: out.ran, skipped: out.skipped, interrupted: out.interrupted })}\n`);
process.exitCode = out.interrupted ? 130 : 0;

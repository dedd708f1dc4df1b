/**
 * The sweep pool with a cheap fake point function (bench/test/sweep-fake-point.ts): failures and a
 * dying worker stay with their point, the summary follows the sweep's order whatever the finishing
 * order, an interrupted or killed sweep resumes without re-running stored points.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../common/rng.js';
import { runSweep } from '../sweep/pool.js';
import { etaSeconds, formatDuration } from '../sweep/progress.js';
import { canonicalJson, pointHash, summaryFile } from '../sweep/store.js';
import { fakePoints, type FakeParams } from './sweep-fake-point.js';

const task = { module: new URL('./sweep-fake-point.ts', import.meta.url).href, fn: 'fakePoint' };

function scratch(): { root: string; runs: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sweep-pool-'));
  mkdirSync(join(dir, 'runs'));
  return { root: join(dir, 'root'), runs: join(dir, 'runs') };
}

/** How many times each point's function started (the fake appends one byte per run). */
function runCounts(runs: string, n: number): number[] {
  return Array.from({ length: n }, (_, x) => (existsSync(join(runs, `${x}.run`)) ? readFileSync(join(runs, `${x}.run`), 'utf8').length : 0));
}

function storedHashes(root: string): Set<string> {
  const dir = join(root, 'fake');
  return new Set(existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)) : []);
}

async function waitFor(cond: () => boolean, what: string, ms = 30_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function runner(root: string, runs: string, n: number, sleepMs: number, jobs: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/test/sweep-fake-run.ts', root, runs, String(n), String(sleepMs), String(jobs)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, exited, output: () => out };
}

describe('sweep store', () => {
  it('hashes parameters independently of key order and distinguishes values', () => {
    const a = { x: 1, y: [1, { b: 2, a: 3 }] };
    const b = { y: [1, { a: 3, b: 2 }], x: 1 };
    expect(canonicalJson(a)).toBe('{"x":1,"y":[1,{"a":3,"b":2}]}');
    expect(pointHash('s', a)).toBe(pointHash('s', b));
    expect(pointHash('s', a)).not.toBe(pointHash('s', { ...a, x: 2 }));
    expect(pointHash('s', a)).not.toBe(pointHash('t', a));
    console.log('compared 4 parameter hashes (key order, value, sweep name)');
  });

  it('estimates the time left from the points run in this session', () => {
    expect(etaSeconds(30, 3, 6)).toBe(60);
    expect(etaSeconds(0, 0, 4)).toBe(Infinity);
    expect(etaSeconds(10, 2, 0)).toBe(0);
    expect([formatDuration(42), formatDuration(185), formatDuration(3720)]).toEqual(['42s', '3m05s', '1h02m']);
    console.log('compared 3 ETA values and 3 durations with hand-computed ones');
  });
});

describe('sweep pool', () => {
  it('isolates a failing point and a dying worker, and orders the summary as the sweep does', async () => {
    const seed = 11;
    const { root, runs } = scratch();
    const rng = new Rng(seed);
    // Random sleeps so that points finish out of order.
    const points: FakeParams[] = fakePoints(8, runs, { fail: [2, 5], crash: [6] }).map((p) => ({ ...p, sleepMs: rng.int(0, 200) }));
    const out = await runSweep({ sweep: 'fake', points, task, jobs: 3, root, progress: false, info: { seed } });
    expect(out.interrupted, `seed ${seed}`).toBe(false);
    expect([out.ran, out.skipped, out.failed]).toEqual([8, 0, 3]);
    const summary = JSON.parse(readFileSync(summaryFile(root, 'fake'), 'utf8'));
    expect(summary.points.map((p: { params: FakeParams }) => p.params.x)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(summary.info).toEqual({ seed });
    expect(summary.machine.cores).toBeGreaterThan(0);
    for (const p of summary.points) {
      const x = p.params.x as number;
      if (x === 2 || x === 5) expect(p.error).toBe(`fake point ${x} fails on purpose`);
      else if (x === 6) expect(p.error).toMatch(/worker process exited \(code 3\)/);
      else expect(p.result.square).toBe(x * x);
      expect(p.status).toBe([2, 5, 6].includes(x) ? 'error' : 'ok');
    }
    expect(runCounts(runs, 8)).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    // Results came from more than one worker process.
    expect(new Set(summary.points.filter((p: { status: string }) => p.status === 'ok').map((p: { result: { pid: number } }) => p.result.pid)).size).toBeGreaterThan(1);

    // A second run keeps the 5 good points and re-runs the 3 failed ones.
    const again = await runSweep({ sweep: 'fake', points, task, jobs: 2, root, progress: false });
    expect([again.ran, again.skipped, again.failed]).toEqual([3, 5, 3]);
    expect(runCounts(runs, 8)).toEqual([1, 1, 2, 1, 1, 2, 2, 1]);
    console.log(`compared 8 points (seed ${seed}): 3 failures isolated, summary in sweep order, failed points re-run on resume`);
  });

  it('resumes an aborted sweep without re-running stored points', async () => {
    const { root, runs } = scratch();
    const points = fakePoints(10, runs, { sleepMs: 150 });
    const ac = new AbortController();
    const first = runSweep({ sweep: 'fake', points, task, jobs: 2, root, progress: false, signal: ac.signal });
    await waitFor(() => storedHashes(root).size >= 3, 'three stored points');
    ac.abort();
    const out1 = await first;
    expect(out1.interrupted).toBe(true);
    expect(existsSync(summaryFile(root, 'fake'))).toBe(false);
    const stored = storedHashes(root);
    const before = runCounts(runs, 10);
    expect(stored.size).toBeLessThan(10);
    const out2 = await runSweep({ sweep: 'fake', points, task, jobs: 2, root, progress: false });
    expect(out2.skipped).toBe(stored.size);
    expect(out2.ran).toBe(10 - stored.size);
    const after = runCounts(runs, 10);
    points.forEach((p, x) => {
      if (stored.has(pointHash('fake', p))) expect(after[x], `point ${x} was stored before the restart`).toBe(before[x]);
      else expect(after[x]).toBeGreaterThanOrEqual(1);
    });
    console.log(`compared run counts of 10 points: ${stored.size} stored before the abort were not re-run`);
  });

  it('resumes after the sweep process is killed (SIGKILL) and stops cleanly on SIGINT', async () => {
    const { root, runs } = scratch();
    const n = 12;
    const killed = runner(root, runs, n, 250, 2);
    await waitFor(() => storedHashes(root).size >= 2, 'two stored points');
    killed.child.kill('SIGKILL');
    await killed.exited;
    const stored = storedHashes(root);
    const before = runCounts(runs, n);

    const interrupted = runner(root, runs, n, 250, 2);
    await waitFor(() => storedHashes(root).size >= stored.size + 2, 'two more stored points');
    interrupted.child.kill('SIGINT');
    const code = await interrupted.exited;
    expect(code, interrupted.output()).toBe(130);
    expect(interrupted.output()).toContain('"interrupted":true');
    expect(existsSync(summaryFile(root, 'fake'))).toBe(false);
    const stored2 = storedHashes(root);

    const out = await runSweep({ sweep: 'fake', points: fakePoints(n, runs, { sleepMs: 250 }), task, jobs: 2, root, progress: false });
    expect(out.skipped).toBe(stored2.size);
    const after = runCounts(runs, n);
    fakePoints(n, runs, { sleepMs: 250 }).forEach((p, x) => {
      if (stored.has(pointHash('fake', p))) expect(after[x], `point ${x} stored before the kill`).toBe(before[x]);
    });
    expect(out.summary!.points.every((p) => p.status === 'ok')).toBe(true);
    console.log(`compared run counts of ${n} points: ${stored.size} stored before SIGKILL, ${stored2.size} before SIGINT, none re-run`);
  });
});

/**
 * A cheap point function for the pool tests (bench/test/sweep-pool.test.ts): counts its runs in
 * files (one per point), can sleep, fail with a UserError or kill its worker.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../common/user-error.js';

export interface FakeParams {
  [key: string]: number | boolean | string;
  x: number;
  runsDir: string;
  sleepMs: number;
  fail: boolean;
  crash: boolean;
}

export async function fakePoint(p: FakeParams): Promise<{ x: number; square: number; pid: number }> {
  appendFileSync(join(p.runsDir, `${p.x}.run`), 'r');
  await new Promise((r) => setTimeout(r, p.sleepMs));
  if (p.fail) throw new UserError(`fake point ${p.x} fails on purpose`);
  if (p.crash) process.exit(3);
  return { x: p.x, square: p.x * p.x, pid: process.pid };
}

export function fakePoints(n: number, runsDir: string, opts: { sleepMs?: number; fail?: number[]; crash?: number[] } = {}): FakeParams[] {
  return Array.from({ length: n }, (_, x) => ({
    x, runsDir, sleepMs: opts.sleepMs ?? 0, fail: opts.fail?.includes(x) ?? false, crash: opts.crash?.includes(x) ?? false,
  }));
}

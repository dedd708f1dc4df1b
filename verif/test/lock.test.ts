import { expect, test } from 'vitest';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { withFileLock } from '../build/lock.js';

test('the build lock serialises holders and takes over a lock whose owner died', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sd-lock-'));
  try {
    const lock = join(dir, 'x.lock');
    const events: string[] = [];
    const holder = (name: string) => withFileLock(lock, async () => {
      events.push(`${name} in`);
      await sleep(150);
      events.push(`${name} out`);
    });
    await Promise.all([holder('a'), holder('b')]);
    expect(events).toEqual(['a in', 'a out', 'b in', 'b out']);
    expect(existsSync(lock)).toBe(false);

    // A lock left by a process that no longer exists (pid far above pid_max) is stale.
    writeFileSync(lock, JSON.stringify({ pid: 2 ** 30, host: hostname(), since: Date.now() }));
    const started = Date.now();
    let waited = false;
    await withFileLock(lock, async () => undefined, () => (waited = true));
    expect(waited).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
    console.log('compared 4 lock events and 1 stale-lock takeover');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

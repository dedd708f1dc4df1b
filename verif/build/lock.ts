import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

/** A lock older than this is considered abandoned even if its owner's pid looks alive. */
const STALE_AFTER_MS = 15 * 60_000;
const POLL_MS = 100;

interface LockOwner {
  pid: number;
  host: string;
  since: number;
}

/**
 * Runs `fn` while holding an exclusive lock file (created with O_EXCL, so two processes cannot both
 * win). A lock whose owner process is gone (same host, pid not alive) or that is very old is stale
 * and is taken over. `onWait` is called once if another process holds the lock.
 */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, onWait?: (owner: string) => void): Promise<T> {
  let warned = false;
  for (;;) {
    if (tryCreate(lockPath)) break;
    const owner = readOwner(lockPath);
    if (owner === undefined || isStale(owner, lockPath)) {
      removeQuietly(lockPath);
      continue;
    }
    if (!warned && onWait) onWait(`pid ${owner.pid} on ${owner.host}`);
    warned = true;
    await sleep(POLL_MS);
  }
  try {
    return await fn();
  } finally {
    removeQuietly(lockPath);
  }
}

function tryCreate(lockPath: string): boolean {
  let fd: number;
  try {
    fd = openSync(lockPath, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  const owner: LockOwner = { pid: process.pid, host: hostname(), since: Date.now() };
  writeSync(fd, JSON.stringify(owner));
  closeSync(fd);
  return true;
}

function readOwner(lockPath: string): LockOwner | undefined {
  try {
    return JSON.parse(readFileSync(lockPath, 'utf8')) as LockOwner;
  } catch {
    // Vanished, or caught between create and write: judge it by age alone.
    try {
      return Date.now() - statSync(lockPath).mtimeMs > 5_000 ? undefined : { pid: -1, host: '', since: Date.now() };
    } catch {
      return { pid: -1, host: '', since: Date.now() };
    }
  }
}

function isStale(owner: LockOwner, lockPath: string): boolean {
  if (owner.pid === -1) return false;
  if (Date.now() - owner.since > STALE_AFTER_MS) return true;
  if (owner.host !== hostname()) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (e) {
    // EPERM means alive but not ours; only ESRCH means gone.
    return (e as NodeJS.ErrnoException).code === 'ESRCH' && readOwner(lockPath)?.pid === owner.pid;
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    /* already gone */
  }
}

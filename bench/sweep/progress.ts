/**
 * The progress line of a sweep: points done of total (resumed points count as done from the start),
 * failures, and an ETA from the points run in this session only (resumed points took no time now,
 * so they must not shorten the estimate).
 */
import { startProgress, type Progress } from '../../common/progress.js';

export interface SweepProgress {
  pointDone(failed: boolean): void;
  stop(): void;
}

/** Seconds as "42s", "3m05s" or "1h02m". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * Remaining time: the session's wall time per finished point, times the points left. With `jobs`
 * workers the wall time per point already reflects the parallelism.
 */
export function etaSeconds(elapsedSeconds: number, doneThisSession: number, remaining: number): number {
  if (remaining === 0) return 0;
  if (doneThisSession === 0) return Infinity;
  return (elapsedSeconds / doneThisSession) * remaining;
}

export function startSweepProgress(label: string, total: number, alreadyDone: number, enabled = true): SweepProgress {
  const bar: Progress | undefined = enabled ? startProgress(label, total, ['failed', 'left']) : undefined;
  const t0 = performance.now();
  let done = alreadyDone;
  let ranNow = 0;
  let failed = 0;
  bar?.update(done, { failed, left: alreadyDone === total ? '0s' : '?' });
  return {
    pointDone(pointFailed: boolean) {
      done++;
      ranNow++;
      if (pointFailed) failed++;
      const left = etaSeconds((performance.now() - t0) / 1000, ranNow, total - done);
      bar?.update(done, { failed, left: formatDuration(left) });
    },
    stop() {
      bar?.stop();
    },
  };
}

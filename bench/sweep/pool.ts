/**
 * Runs the points of a sweep in parallel worker processes (child_process.fork of
 * bench/sweep/worker.ts with tsx loaded). A point is a pure function of its parameters, named by
 * module and export, so any worker can run any point. Each finished point is stored at once
 * (bench/sweep/store.ts); points already stored are skipped, which is how an interrupted sweep
 * resumes. A point that throws records its error and the others go on; a worker that dies takes
 * only its point with it and is replaced. Aborting (Ctrl-C in bench/sweeps.ts) kills the workers,
 * keeps what is stored and writes no summary.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { UserError } from '../../common/user-error.js';
import { startSweepProgress } from './progress.js';
import {
  DEFAULT_SWEEP_ROOT, machineInfo, pointHash, readPoint, writePoint, writeSummary,
  type Json, type PointRecord, type SweepSummary,
} from './store.js';

/** The point function: an exported function of a module, `(params) => result | Promise<result>`. */
export interface PointTask {
  /** Path (relative to the current directory) or file URL of the module. */
  module: string;
  fn: string;
}

export interface WorkerRequest {
  id: number;
  module: string;
  fn: string;
  params: Json;
}

export interface WorkerReply {
  id: number;
  ok: boolean;
  result?: Json;
  error?: string;
  seconds: number;
}

export interface SweepRunOptions<P extends Json> {
  sweep: string;
  points: P[];
  task: PointTask;
  /** Worker processes (default: the number of cores). */
  jobs?: number;
  /** Results folder (default build/bench/sweeps). */
  root?: string;
  /** Stops the sweep: workers are killed, finished points stay stored, no summary is written. */
  signal?: AbortSignal;
  /** Show the progress bar (default true). */
  progress?: boolean;
  /** Re-run points whose stored record is an error (default true). */
  retryFailed?: boolean;
  /** Facts of the sweep as a whole, copied into the summary. */
  info?: Record<string, Json>;
}

export interface SweepOutcome {
  /** Absent when the sweep was interrupted. */
  summary?: SweepSummary;
  summaryFile?: string;
  /** Points run now, points found stored, points that failed (stored or now). */
  ran: number;
  skipped: number;
  failed: number;
  interrupted: boolean;
}

const WORKER = join(dirname(fileURLToPath(import.meta.url)), 'worker.ts');

export function defaultJobs(): number {
  return Math.max(1, availableParallelism());
}

function moduleUrl(module: string): string {
  return module.startsWith('file:') ? module : pathToFileURL(resolve(module)).href;
}

/** A worker with tsx loaded; its output goes to the sweep's log file so it cannot break the progress bar. */
function spawnWorker(logFile: string): ChildProcess {
  const child = fork(WORKER, [], {
    execArgv: ['--import', import.meta.resolve('tsx')],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const log = (data: Buffer): void => appendFileSync(logFile, data);
  child.stdout!.on('data', log);
  child.stderr!.on('data', log);
  // A failed spawn or send also ends in 'exit', which records the point's error.
  child.on('error', (e) => appendFileSync(logFile, `worker ${child.pid ?? '?'}: ${e.message}\n`));
  return child;
}

export async function runSweep<P extends Json>(o: SweepRunOptions<P>): Promise<SweepOutcome> {
  const root = o.root ?? DEFAULT_SWEEP_ROOT;
  const jobs = o.jobs ?? defaultJobs();
  if (!Number.isInteger(jobs) || jobs < 1) throw new UserError(`--jobs: expected a positive integer, found ${jobs}`);
  const hashes = o.points.map((p) => pointHash(o.sweep, p));
  const dup = hashes.findIndex((h, i) => hashes.indexOf(h) !== i);
  if (dup >= 0) throw new Error(`sweep ${o.sweep}: point ${dup} repeats the parameters of point ${hashes.indexOf(hashes[dup]!)}`);

  const records: (PointRecord | undefined)[] = o.points.map((p) => readPoint(root, o.sweep, p, !(o.retryFailed ?? true)));
  const todo = o.points.map((_, i) => i).filter((i) => !records[i]);
  const skipped = o.points.length - todo.length;
  const module = moduleUrl(o.task.module);
  const logFile = join(root, `${o.sweep}.log`);
  mkdirSync(dirname(logFile), { recursive: true });

  const bar = startSweepProgress(`sweep ${o.sweep}`, o.points.length, skipped, o.progress ?? true);
  let ran = 0;
  let interrupted = false;
  await new Promise<void>((done) => {
    const busy = new Map<ChildProcess, { index: number; id: number }>();
    const workers = new Set<ChildProcess>();
    let next = 0;
    let nextId = 0;
    let finished = false;

    const finish = (): void => {
      if (finished) return;
      finished = true;
      o.signal?.removeEventListener('abort', abort);
      for (const w of workers) w.kill('SIGTERM');
      done();
    };
    const record = (index: number, r: Omit<PointRecord, 'sweep' | 'hash' | 'params' | 'finishedAt'>): void => {
      const rec: PointRecord = { sweep: o.sweep, hash: hashes[index]!, params: o.points[index]!, ...r, finishedAt: new Date().toISOString() };
      writePoint(root, rec);
      records[index] = rec;
      ran++;
      bar.pointDone(rec.status === 'error');
    };
    const dispatch = (w: ChildProcess): void => {
      if (finished) return;
      if (next >= todo.length) {
        workers.delete(w);
        w.kill('SIGTERM');
        if (busy.size === 0) finish();
        return;
      }
      const index = todo[next++]!;
      const id = nextId++;
      busy.set(w, { index, id });
      w.send({ id, module, fn: o.task.fn, params: o.points[index]! } satisfies WorkerRequest);
    };
    const start = (): void => {
      const w = spawnWorker(logFile);
      workers.add(w);
      w.on('message', (raw) => {
        const reply = raw as WorkerReply;
        const job = busy.get(w);
        if (finished || !job || job.id !== reply.id) return;
        busy.delete(w);
        record(job.index, reply.ok
          ? { status: 'ok', result: reply.result ?? null, seconds: round(reply.seconds) }
          : { status: 'error', error: reply.error ?? 'unknown error', seconds: round(reply.seconds) });
        dispatch(w);
      });
      w.on('exit', (code, signal) => {
        workers.delete(w);
        const job = busy.get(w);
        busy.delete(w);
        if (finished) return;
        if (job) {
          record(job.index, { status: 'error', error: `worker process exited (${signal ?? `code ${code}`}) while running this point; see ${logFile}`, seconds: 0 });
          if (next < todo.length) start();
        }
        if (busy.size === 0 && next >= todo.length) finish();
      });
      dispatch(w);
    };
    const abort = (): void => {
      interrupted = true;
      finish();
    };

    if (o.signal?.aborted) return abort();
    o.signal?.addEventListener('abort', abort);
    if (todo.length === 0) return finish();
    for (let k = 0; k < Math.min(jobs, todo.length); k++) start();
  });
  bar.stop();

  const failed = records.filter((r) => r?.status === 'error').length;
  if (interrupted) return { ran, skipped, failed, interrupted };
  const summary: SweepSummary = {
    sweep: o.sweep, date: new Date().toISOString(), machine: machineInfo(), info: o.info ?? {},
    points: records.map((r) => r!),
  };
  return { summary, summaryFile: writeSummary(root, summary), ran, skipped, failed, interrupted };
}

const round = (s: number): number => Math.round(s * 100) / 100;

/**
 * An abort signal raised by the first Ctrl-C (SIGINT) or SIGTERM; a second Ctrl-C exits at once.
 * Call `dispose` when the sweeps are over, so the process handles signals normally again.
 */
export function interruptSignal(onInterrupt?: () => void): { signal: AbortSignal; dispose: () => void } {
  const ac = new AbortController();
  const handler = (): void => {
    if (ac.signal.aborted) process.exit(130);
    onInterrupt?.();
    ac.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return { signal: ac.signal, dispose: () => { process.off('SIGINT', handler); process.off('SIGTERM', handler); } };
}

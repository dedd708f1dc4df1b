/**
 * Where a sweep keeps its results: one JSON file per point, named by a hash of the point's
 * parameters (build/bench/sweeps/<sweep>/<hash>.json), written atomically, so a finished point is
 * either whole on disk or absent and an interrupted sweep resumes by skipping the files it finds.
 * The summary (build/bench/sweeps/<sweep>.json) lists every point in the order the sweep defines.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, totalmem, type as osType, release } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../common/atomic-write.js';

export const DEFAULT_SWEEP_ROOT = 'build/bench/sweeps';

/** JSON values only: parameters must hash and store the same way every time. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface PointRecord<P extends Json = Json, R extends Json = Json> {
  sweep: string;
  hash: string;
  params: P;
  status: 'ok' | 'error';
  result?: R;
  /** The failure's message (and stack, for a bug) when status is 'error'. */
  error?: string;
  seconds: number;
  finishedAt: string;
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
}

export interface SweepSummary<P extends Json = Json, R extends Json = Json> {
  sweep: string;
  date: string;
  machine: MachineInfo;
  /** Extra facts of the sweep as a whole (model, configuration, images...). */
  info: Record<string, Json>;
  points: PointRecord<P, R>[];
}

/** JSON with object keys sorted at every level: equal parameters give equal text. */
export function canonicalJson(v: Json): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k]!)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** 16 hex digits of SHA-256 over the sweep name and the canonical parameters. */
export function pointHash(sweep: string, params: Json): string {
  return createHash('sha256').update(`${sweep}\n${canonicalJson(params)}`).digest('hex').slice(0, 16);
}

export function pointFile(root: string, sweep: string, hash: string): string {
  return join(root, sweep, `${hash}.json`);
}

export function summaryFile(root: string, sweep: string): string {
  return join(root, `${sweep}.json`);
}

/**
 * The stored record of a point, or undefined when there is none to trust (absent, unreadable, or
 * written for other parameters); a point that failed counts as finished only with `keepErrors`.
 */
export function readPoint(root: string, sweep: string, params: Json, keepErrors: boolean): PointRecord | undefined {
  const hash = pointHash(sweep, params);
  const file = pointFile(root, sweep, hash);
  if (!existsSync(file)) return undefined;
  try {
    const r = JSON.parse(readFileSync(file, 'utf8')) as PointRecord;
    if (r.hash !== hash || canonicalJson(r.params) !== canonicalJson(params)) return undefined;
    if (r.status === 'error' && !keepErrors) return undefined;
    return r;
  } catch {
    return undefined;
  }
}

export function writePoint(root: string, record: PointRecord): void {
  writeFileAtomic(pointFile(root, record.sweep, record.hash), JSON.stringify(record, null, 2) + '\n');
}

export function machineInfo(): MachineInfo {
  const c = cpus();
  return {
    cpu: c[0]?.model.trim() ?? 'unknown', cores: c.length, memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${osType()} ${release()}`, node: process.version,
  };
}

export function writeSummary(root: string, summary: SweepSummary): string {
  const file = summaryFile(root, summary.sweep);
  writeFileAtomic(file, JSON.stringify(summary, null, 2) + '\n');
  return file;
}

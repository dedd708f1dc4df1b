/**
 * Reads the sweep summaries W6's sweeps write (build/bench/sweeps/<sweep>.json: { sweep, points:
 * [{ params, status, result }] }) into report points. Field names are looked up by the names the
 * sweeps use for them; a point that failed or lacks a number simply lacks that field.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SweepPoint, SweepSet } from './types.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The first finite number found at any of the dotted paths. */
function pick(o: unknown, paths: readonly string[]): number | undefined {
  for (const path of paths) {
    let v: unknown = o;
    for (const k of path.split('.')) v = isObj(v) ? v[k] : undefined;
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return undefined;
}

const ACCURACY = ['intAccuracy', 'accuracy', 'accuracy.int', 'int.accuracy'];
const ENERGY = ['energyPj', 'energyPerImagePj', 'energy.totalPj', 'energy.weights-resident.totalPj', 'energy.resident', 'totalPj'];
const CYCLES = ['cyclesPerImage', 'cycles', 'cycles.total'];
const LUT4 = ['lut4', 'area.lut4', 'fpga.lut4'];
const EBR = ['ebr', 'area.ebr', 'fpga.ebr'];

/** `peRows=4, peCols=2` from the point's parameters (scalars only, in their order). */
export function paramLabel(params: unknown): string {
  if (!isObj(params)) return String(params);
  return Object.entries(params).filter(([, v]) => typeof v !== 'object').map(([k, v]) => `${k}=${v}`).join(', ');
}

export function sweepSetOf(name: string, file: string, summary: unknown): SweepSet {
  const points: SweepPoint[] = [];
  const list = isObj(summary) && Array.isArray(summary.points) ? summary.points : [];
  for (const rec of list) {
    if (!isObj(rec) || (rec.status !== undefined && rec.status !== 'ok')) continue;
    const r = rec.result ?? rec;
    const p: SweepPoint = { label: paramLabel(rec.params), params: isObj(rec.params) ? (Object.fromEntries(Object.entries(rec.params).filter(([, v]) => typeof v === 'number' || typeof v === 'string')) as Record<string, number | string>) : {} };
    const set = (key: 'accuracy' | 'energyPj' | 'cycles' | 'lut4' | 'ebr', paths: readonly string[]) => {
      const v = pick(r, paths);
      if (v !== undefined) p[key] = v;
    };
    set('accuracy', ACCURACY);
    set('energyPj', ENERGY);
    set('cycles', CYCLES);
    set('lut4', LUT4);
    set('ebr', EBR);
    points.push(p);
  }
  return { name: isObj(summary) && typeof summary.sweep === 'string' ? summary.sweep : name, file, points };
}

/** Every summary in `dir` (one JSON per sweep), or null when there is none: the sweeps were not run. */
export function readSweeps(dir: string): SweepSet[] | null {
  if (!existsSync(dir)) return null;
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  if (files.length === 0) return null;
  return files.map((f) => sweepSetOf(f.replace(/\.json$/, ''), join(dir, f), JSON.parse(readFileSync(join(dir, f), 'utf8'))));
}

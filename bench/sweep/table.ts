/**
 * A sweep summary as a Markdown table: the swept parameters (the point's top-level scalars), then
 * the numbers each point has (accuracy, energy per image in both scenarios, cycles, weight bits,
 * area); a failed point shows the first line of its error.
 */
import type { Json, PointRecord, SweepSummary } from './store.js';

type Obj = { [key: string]: Json };
const isObj = (v: Json | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function at(o: Json | undefined, path: string): number | undefined {
  let v: Json | undefined = o;
  for (const k of path.split('.')) v = isObj(v) ? v[k] : undefined;
  return typeof v === 'number' ? v : undefined;
}

const COLUMNS: { head: string; path: string; format: (v: number) => string }[] = [
  { head: 'int accuracy', path: 'intAccuracy', format: (v) => `${(100 * v).toFixed(2)} %` },
  { head: 'energy resident (nJ)', path: 'energy.weights-resident.totalPj', format: (v) => (v / 1000).toFixed(1) },
  { head: 'energy streamed (nJ)', path: 'energy.weights-streamed.totalPj', format: (v) => (v / 1000).toFixed(1) },
  { head: 'cycles / image', path: 'cyclesPerImage', format: (v) => Math.round(v).toLocaleString('en-US') },
  { head: 'engine weight bits', path: 'weightBits', format: (v) => v.toLocaleString('en-US') },
  { head: 'SD bits (sw/sd)', path: 'sdWeightBits', format: (v) => v.toLocaleString('en-US') },
  { head: 'LUT4', path: 'area.lut4', format: String },
  { head: 'FF', path: 'area.ff', format: String },
  { head: 'EBR', path: 'area.ebr', format: String },
  { head: 'DSP', path: 'area.dsp', format: String },
];

function sweptParams(r: PointRecord): [string, Json][] {
  return isObj(r.params) ? Object.entries(r.params).filter(([, v]) => !isObj(v) && !Array.isArray(v)) : [];
}

export function sweepTable(s: SweepSummary): string {
  const keys = [...new Set(s.points.flatMap((r) => sweptParams(r).map(([k]) => k)))];
  const used = COLUMNS.filter((c) => s.points.some((r) => at(r.result, c.path) !== undefined));
  const rows = s.points.map((r) => {
    const params = keys.map((k) => String(isObj(r.params) ? r.params[k] ?? '-' : '-'));
    if (r.status === 'error') return [...params, ...used.map((_, i) => (i === 0 ? `failed: ${(r.error ?? '').split('\n')[0]}` : ''))];
    return [...params, ...used.map((c) => {
      const v = at(r.result, c.path);
      return v === undefined ? '-' : c.format(v);
    })];
  });
  const head = [...keys, ...used.map((c) => c.head)];
  return [
    `# sweep ${s.sweep} (${s.date.slice(0, 10)}, ${s.machine.cores} x ${s.machine.cpu}${s.info.quick ? ', quick' : ''})`,
    '',
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
  ].join('\n');
}

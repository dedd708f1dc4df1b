/**
 * Text tables of energy breakdowns: one breakdown, or several side by side (SD against dense),
 * part by part and group by group. Numbers in nJ (parts) with events and pJ per event.
 */
import { ENERGY_GROUPS, groupTotals, type EnergyBreakdown } from './model.js';

const nj = (pj: number): string => (pj / 1000).toFixed(3);
const num = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(1));

/** One breakdown: every part with its events, pJ per event, nJ and share; then the groups. */
export function formatBreakdown(b: EnergyBreakdown, title: string): string {
  const lines = [`${title} (${b.scenario}): ${nj(b.totalPj)} nJ per image`];
  lines.push(`  ${'group'.padEnd(15)} ${'part'.padEnd(22)} ${'events'.padStart(12)} ${'pJ/event'.padStart(9)} ${'nJ'.padStart(10)} ${'share'.padStart(6)}`);
  for (const p of b.parts) {
    if (p.events === 0) continue;
    lines.push(`  ${p.group.padEnd(15)} ${p.name.padEnd(22)} ${num(p.events).padStart(12)} ${p.pjPerEvent.toFixed(3).padStart(9)} ${nj(p.pj).padStart(10)} ${((100 * p.pj) / b.totalPj).toFixed(1).padStart(5)}%`);
  }
  return lines.join('\n');
}

/** Group totals of several breakdowns side by side, with the ratio of the last to the first. */
export function formatComparison(columns: { label: string; breakdown: EnergyBreakdown }[]): string {
  const head = `  ${'group (nJ/image)'.padEnd(16)} ${columns.map((c) => c.label.padStart(12)).join(' ')}`;
  const totals = columns.map((c) => groupTotals(c.breakdown));
  const rows = ENERGY_GROUPS.filter((g) => totals.some((t) => t[g] > 0)).map((g) => `  ${g.padEnd(16)} ${totals.map((t) => nj(t[g]).padStart(12)).join(' ')}`);
  const total = `  ${'total'.padEnd(16)} ${columns.map((c) => nj(c.breakdown.totalPj).padStart(12)).join(' ')}`;
  const first = columns[0]!.breakdown.totalPj;
  const last = columns[columns.length - 1]!.breakdown.totalPj;
  return [head, ...rows, total, `  ${columns[columns.length - 1]!.label} / ${columns[0]!.label}: ${(last / first).toFixed(2)}x`].join('\n');
}

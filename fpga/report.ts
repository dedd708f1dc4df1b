/**
 * The flow's verdict and report: resources against the device, Fmax against the target, the
 * critical path; the failure lines name the resource or the clock and by how much.
 */
import type { Board, Capacity } from './boards.js';
import type { CriticalPath, Utilisation } from './pnr.js';
import type { ScanCost } from './board/scan-wrapper.js';
import type { SynthResources } from './synth.js';
import { renderFpgaTemplate } from './templates.js';

export type FpgaStatus = 'ok' | 'does-not-fit' | 'misses-timing' | 'pnr-failed';

export interface ResourceRow { name: string; used: number; available: number }

export interface TimingReport {
  targetMHz: number;
  fmaxMHz: number;
  /** icetime's estimate of the same placed design (a second opinion). */
  icetimeMHz?: number;
  criticalPath?: CriticalPath;
}

export interface FpgaReport {
  top: string;
  board: Board['name'];
  device: string;
  status: FpgaStatus;
  /** One line per failure, e.g. `LUT4: needs 6120 of 5280 (116%)`. */
  failures: string[];
  resources: ResourceRow[];
  synth: SynthResources;
  utilisation?: Record<string, Utilisation>;
  timing?: TimingReport;
  /** Set when the design sits inside the scan wrapper (its flip-flops are counted above). */
  scan?: ScanCost;
  /** Output files relative to the output folder (the bitstream only when the design passed). */
  files: Record<string, string>;
  commands: string[];
  seconds: number;
}

const pct = (used: number, available: number): string => available === 0 ? (used === 0 ? '-' : 'n/a') : `${Math.round((100 * used) / available)}%`;

/** Resource rows from yosys's cells (and nextpnr's logic-cell count once it has packed them). */
export function resourceRows(synth: SynthResources, cap: Capacity, utilisation?: Record<string, Utilisation>): ResourceRow[] {
  const rows: ResourceRow[] = [
    { name: 'LUT4', used: synth.lut4, available: cap.lut4 },
    { name: 'flip-flops', used: synth.ff, available: cap.ff },
  ];
  const lc = utilisation?.ICESTORM_LC;
  if (lc) rows.push({ name: 'logic cells', used: lc.used, available: lc.available });
  rows.push({ name: 'EBR', used: synth.ebr, available: cap.ebr }, { name: 'SPRAM', used: synth.spram, available: cap.spram }, { name: 'DSP', used: synth.dsp, available: cap.dsp });
  const io = utilisation?.SB_IO;
  if (io) rows.push({ name: 'IO', used: io.used, available: io.available });
  return rows;
}

/** `LUT4: needs 6120 of 5280 (116%)` for every resource over the device's capacity. */
export function capacityFailures(rows: readonly ResourceRow[]): string[] {
  return rows.filter((r) => r.used > r.available).map((r) => `${r.name}: needs ${r.used} of ${r.available} (${pct(r.used, r.available)})`);
}

/** `Fmax 17.3 MHz misses the 24 MHz target by 28%`, or undefined when the target is met. */
export function timingFailure(fmaxMHz: number, targetMHz: number): string | undefined {
  if (fmaxMHz >= targetMHz) return undefined;
  return `Fmax ${fmaxMHz.toFixed(1)} MHz misses the ${targetMHz} MHz target by ${Math.round((100 * (targetMHz - fmaxMHz)) / targetMHz)}%`;
}

const VERDICT: Record<FpgaStatus, string> = {
  ok: 'fits and meets timing', 'does-not-fit': 'does not fit', 'misses-timing': 'misses timing', 'pnr-failed': 'place and route failed',
};

export function formatReportMarkdown(r: FpgaReport, boardTitle: string): string {
  return renderFpgaTemplate('report.md.hbs', {
    top: r.top, boardTitle, verdict: VERDICT[r.status], failures: r.failures,
    resources: r.resources.map((x) => ({ ...x, share: pct(x.used, x.available) })),
    scan: r.scan ? { ...r.scan, flipFlops: r.scan.inputBits + r.scan.outputBits } : undefined,
    timing: r.timing ? {
      ...r.timing, fmaxMHz: r.timing.fmaxMHz.toFixed(2), verdict: r.timing.fmaxMHz >= r.timing.targetMHz ? 'meets the target' : 'misses the target',
      icetimeNs: r.timing.icetimeMHz ? (1000 / r.timing.icetimeMHz).toFixed(2) : undefined,
      icetimeMHz: r.timing.icetimeMHz?.toFixed(2),
    } : undefined,
    commands: r.commands,
  });
}

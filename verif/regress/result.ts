/** What one regression run reports: how much it compared and the first mismatches. */
export interface RegressionResult {
  /** Clock cycles simulated. */
  cycles: number;
  /** Values (or transactions) compared with the TypeScript reference. */
  compared: number;
  /** What was compared, for the "compared N ..." log line. */
  what: string;
  /** Empty when the design matched; otherwise the first mismatches (cycle, port, expected, got). */
  mismatches: string[];
  seed: number;
}

export function summarize(name: string, r: RegressionResult): string {
  return `${name}: compared ${r.compared} ${r.what} over ${r.cycles} cycles (seed ${r.seed})` +
    (r.mismatches.length ? `; ${r.mismatches.length} mismatch(es), first: ${r.mismatches[0]}` : '');
}

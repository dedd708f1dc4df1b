/**
 * The results the report is made from: what bench/compare.ts measures (SD engine against the dense
 * baseline per data set), the points of the sweeps, and the JSON lines of the other benchmarks.
 */

export const SCENARIOS = ['weights-resident', 'weights-streamed'] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** One term of an energy breakdown (the shape sw/energy returns). */
export interface EnergyPart {
  /** The part's group (off-chip, on-chip memory, MAC, ...): the bars stack by group. */
  group?: string;
  name: string;
  events: number;
  pjPerEvent: number;
  pj: number;
}

export interface EnergyPerImage {
  totalPj: number;
  parts: EnergyPart[];
}

/** FPGA area and timing of one engine, read from the fpga flow's report. */
export interface FpgaArea {
  board: string;
  device: string;
  /** `place-and-route`: routed (Fmax known); `packed`: nextpnr packed it, too big to place; `synthesis-only`: yosys numbers only. */
  source: 'place-and-route' | 'packed' | 'synthesis-only';
  status: string;
  lut4: number;
  ff: number;
  ebr: number;
  spram: number;
  dsp: number;
  fmaxMHz?: number;
  failures: string[];
}

/** One engine (SD or dense) running one data set's model. */
export interface EngineSide {
  config: string;
  /** Bits of the used words of each weight memory (CE, IDX, B or W). */
  weightBits: Record<string, number>;
  weightBitsTotal: number;
  /** Bytes that cross the chip boundary per image, per scenario. */
  offChipBytes: Record<Scenario, number>;
  /** Word reads and writes per memory per image (golden model events, averaged over the RTL images). */
  accesses: Record<string, { reads: number; writes: number }>;
  /** RTL cycle counter, mean over the images run. */
  cyclesPerImage: number;
  rtl: { images: number; accuracy: number; bitExact: boolean; imagesWithMismatch: number };
  /** Integer inference (runInt) on the whole test set. */
  intAccuracy: number;
  testImages: number;
  /** Modelled energy per image, per scenario (null when the energy model is not available). */
  energy: Record<Scenario, EnergyPerImage> | null;
  fpga: FpgaArea | null;
}

export interface DatasetComparison {
  data: string;
  checkpoint: string;
  sd: EngineSide;
  dense: EngineSide;
}

export interface CompareResult {
  bench: 'compare';
  quick: boolean;
  configs: { sd: string; dense: string };
  /** Where the FPGA numbers come from, in words (board, flow or why not). */
  fpgaNote: string;
  energyNote: string;
  datasets: DatasetComparison[];
}

/** One point of a sweep, normalised from W6's JSON (bench/report/sweeps.ts). */
export interface SweepPoint {
  label: string;
  params: Record<string, number | string>;
  accuracy?: number;
  energyPj?: number;
  cycles?: number;
  lut4?: number;
  ebr?: number;
}

export interface SweepSet {
  name: string;
  file: string;
  points: SweepPoint[];
}

/** One benchmark script's outcome as bench/run.ts records it. */
export interface BenchOutcome {
  name: string;
  what: string;
  ok: boolean;
  seconds: number;
  data: unknown;
}

export interface ReportInput {
  date: string;
  machine: string;
  quick: boolean;
  benches: BenchOutcome[];
  compare: CompareResult | null;
  /** null: the sweeps were not run (no build/bench/sweeps/*.json). */
  sweeps: SweepSet[] | null;
}

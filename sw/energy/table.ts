/**
 * Per-event energies (docs/energy.md). The published figures are M. Horowitz, "Computing's energy
 * problem (and what we can do about it)", ISSCC 2014, 45 nm at 0.9 V; every other number is a rule
 * of ours built on them, and says so in its `source`. All energies in pJ.
 */

export interface EnergyEntry {
  pj: number;
  /** Where the number comes from: the paper, or the rule that derives it. */
  source: string;
}

const HOROWITZ = 'Horowitz, ISSCC 2014, 45 nm, 0.9 V';

/** The figures taken from the paper as they are printed (memory accesses are 64-bit). */
export const PUBLISHED = {
  add8: { pj: 0.03, source: `${HOROWITZ}: 8-bit integer add` },
  add32: { pj: 0.1, source: `${HOROWITZ}: 32-bit integer add` },
  mul8: { pj: 0.2, source: `${HOROWITZ}: 8-bit integer multiply` },
  mul32: { pj: 3.1, source: `${HOROWITZ}: 32-bit integer multiply` },
  sram8k: { pj: 10, source: `${HOROWITZ}: 64-bit access, 8 KB SRAM` },
  sram32k: { pj: 20, source: `${HOROWITZ}: 64-bit access, 32 KB SRAM` },
  sram1m: { pj: 100, source: `${HOROWITZ}: 64-bit access, 1 MB SRAM` },
  dramLow: { pj: 1300, source: `${HOROWITZ}: 64-bit DRAM access, low end of 1.3-2.6 nJ` },
  dramHigh: { pj: 2600, source: `${HOROWITZ}: 64-bit DRAM access, high end of 1.3-2.6 nJ` },
} as const satisfies Record<string, EnergyEntry>;

/** SRAM sizes (bytes) of the published 64-bit access energies, ascending. */
const SRAM_POINTS: readonly [number, EnergyEntry][] = [
  [8 * 1024, PUBLISHED.sram8k],
  [32 * 1024, PUBLISHED.sram32k],
  [1024 * 1024, PUBLISHED.sram1m],
];

/**
 * Integer add of `bits` bits: linear in the width through the 8- and 32-bit points (carry chains
 * grow linearly); below 8 bits proportional to the 8-bit add.
 */
export function addPj(bits: number): EnergyEntry {
  const { add8, add32 } = PUBLISHED;
  if (bits === 8) return add8;
  if (bits === 32) return add32;
  const pj = bits < 8 ? (add8.pj * bits) / 8 : add8.pj + ((bits - 8) * (add32.pj - add8.pj)) / 24;
  return { pj, source: `derived: ${bits}-bit add, linear in width through the paper's 8- and 32-bit adds` };
}

/**
 * Integer multiply of a x b bits: proportional to a*b (the partial-product array), anchored at the
 * paper's 32x32 multiply (the rule gives 0.19 pJ for 8x8, against the printed 0.2). 8x8 uses the
 * printed number.
 */
export function mulPj(a: number, b: number): EnergyEntry {
  if (a === 8 && b === 8) return PUBLISHED.mul8;
  if (a === 32 && b === 32) return PUBLISHED.mul32;
  return { pj: (PUBLISHED.mul32.pj * a * b) / (32 * 32), source: `derived: ${a}x${b}-bit multiply, 32x32 multiply scaled by the partial products (a*b / 1024)` };
}

/**
 * Variable shift of a `bits`-bit value (a barrel shifter, log2 levels of muxes): charged as an add of
 * the same width. Our assumption; the paper has no shifter. Shifts by a constant are wiring (free).
 */
export function shiftPj(bits: number): EnergyEntry {
  return { pj: addPj(bits).pj, source: `assumption: ${bits}-bit variable shift costs a ${bits}-bit add` };
}

/**
 * Writing `bits` bits into a register (flip-flops: lane registers, accumulators): charged as an add
 * of the same width. Our assumption (the paper's table has no register figure).
 */
export function registerPj(bits: number): EnergyEntry {
  return { pj: addPj(bits).pj, source: `assumption: ${bits}-bit register write costs a ${bits}-bit add` };
}

/** 64-bit access energy of an SRAM of `bytes` bytes (see `sramAccessPj`). */
export function sram64Pj(bytes: number): number {
  const [s0, e0] = SRAM_POINTS[0]!;
  // Below 8 KB: square root of the size, the slope of the paper's 8 KB -> 32 KB step (4x size, 2x energy).
  if (bytes <= s0) return e0.pj * Math.sqrt(bytes / s0);
  // Between (and beyond) the published sizes: straight lines in log(size) - log(energy).
  let i = 0;
  while (i < SRAM_POINTS.length - 2 && bytes > SRAM_POINTS[i + 1]![0]) i++;
  const [sa, ea] = SRAM_POINTS[i]!;
  const [sb, eb] = SRAM_POINTS[i + 1]!;
  const slope = Math.log(eb.pj / ea.pj) / Math.log(sb / sa);
  return ea.pj * (bytes / sa) ** slope;
}

/**
 * One access (read or write, same energy: the paper gives one figure) of a `width`-bit word in an
 * SRAM of `depth` words: the 64-bit energy of an array of that size, scaled by width / 64 (bit lines
 * and sense amplifiers per bit), never below a register write of the same width.
 */
export function sramAccessPj(width: number, depth: number): EnergyEntry {
  const bytes = (width * depth) / 8;
  const pj = Math.max((sram64Pj(bytes) * width) / 64, registerPj(width).pj);
  return { pj, source: `derived: ${width}-bit word of a ${depth}-word (${fmtBytes(bytes)}) SRAM: paper's 64-bit SRAM energy at that size (sqrt below 8 KB, log-log between 8 KB, 32 KB, 1 MB) x width/64` };
}

export type DramLevel = 'low' | 'high';

/**
 * DRAM energy per bit: one end of the paper's 1.3-2.6 nJ per 64-bit access over 64 bits. The
 * default, the low end, understates what fewer off-chip bits save.
 */
export function dramBitPj(level: DramLevel = 'low'): EnergyEntry {
  const e = level === 'low' ? PUBLISHED.dramLow : PUBLISHED.dramHigh;
  return { pj: e.pj / 64, source: `derived: ${e.source}, divided by 64 bits` };
}

function fmtBytes(b: number): string {
  return b >= 1024 ? `${+(b / 1024).toFixed(2)} KB` : `${+b.toFixed(1)} B`;
}

import type { Rng } from '../../common/rng.js';
import type { Row } from './vectors.js';

/**
 * An example checked by cycle vectors: random inputs from a seed, and the outputs a TypeScript
 * reference model expects before each rising edge (`undefined` = not compared, e.g. before reset).
 */
export interface VectorExample<P> {
  outputs: readonly string[];
  vectors(params: P, rng: Rng, cycles: number): Row[];
  expected(params: P, rows: readonly Row[]): (bigint | undefined)[][];
}

/** Reset for the first two cycles and now and then later, so reset behaviour is compared too. */
export function resetAt(rng: Rng, cycle: number): bigint {
  return cycle < 2 || rng.next() < 0.0005 ? 1n : 0n;
}

export const bit = (rng: Rng, p: number): bigint => (rng.next() < p ? 1n : 0n);

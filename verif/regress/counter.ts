/** Counter regression vectors and its reference model. */
import type { CounterParams } from '../../generator/examples/index.js';
import { bit, resetAt, type VectorExample } from './vector-example.js';

export const counterVectors: VectorExample<CounterParams> = {
  outputs: ['q', 'at_wrap'],
  vectors: (_p, rng, cycles) => Array.from({ length: cycles }, (_, i) => ({ rst: resetAt(rng, i), en: bit(rng, 0.8) })),
  expected(p, rows) {
    const last = BigInt(p.wrap ?? 2 ** p.width - 1);
    const modulus = 1n << BigInt(p.width);
    let count: bigint | undefined;   // unknown until the first reset
    return rows.map((row) => {
      const out = count === undefined ? [undefined, undefined] : [count, count === last ? 1n : 0n];
      if (row.rst) count = 0n;
      else if (row.en && count !== undefined) count = count === last ? 0n : (count + 1n) % modulus;
      return out;
    });
  },
};

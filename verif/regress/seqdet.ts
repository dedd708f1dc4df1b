/**
 * Sequence detector regression vectors and its reference model: a plain window over the bits
 * shifted in so far (no state machine), compared with the pattern.
 */
import type { SeqDetParams } from '../../generator/examples/index.js';
import { bit, resetAt, type VectorExample } from './vector-example.js';

export const seqdetVectors: VectorExample<SeqDetParams> = {
  outputs: ['found'],
  vectors(p, rng, cycles) {
    const rows = [];
    let planted: string[] = [];
    for (let i = 0; i < cycles; i++) {
      // Plant the pattern (or a prefix of it) often, so matches and near-misses both occur.
      if (planted.length === 0 && rng.next() < 0.2) planted = [...p.pattern.slice(0, rng.int(1, p.pattern.length))];
      const en = bit(rng, 0.85);
      const din = en && planted.length ? BigInt(planted.shift()!) : bit(rng, 0.5);
      rows.push({ rst: resetAt(rng, i), en, din });
    }
    return rows;
  },
  expected(p, rows) {
    let history: string | undefined;
    return rows.map((row) => {
      const out = history === undefined ? [undefined] : [history.endsWith(p.pattern) ? 1n : 0n];
      if (row.rst) history = '';
      else if (row.en && history !== undefined) history = (history + String(row.din)).slice(-p.pattern.length);
      return out;
    });
  },
};

/** Fixed-point MAC regression vectors and its reference model (bigint arithmetic). */
import type { MacParams } from '../../generator/examples/index.js';
import { bit, resetAt, type VectorExample } from './vector-example.js';

export const macVectors: VectorExample<MacParams> = {
  outputs: ['acc', 'saturated'],
  vectors(p, rng, cycles) {
    const rows = [];
    // Stretches with products of one sign drive the accumulator into its limits (and back).
    let sign = 0;
    for (let i = 0; i < cycles; i++) {
      if (i % 400 === 0) sign = rng.int(-1, 1);
      let a = rng.bits(p.aWidth);
      let b = rng.bits(p.bWidth);
      if (sign !== 0) {
        const mag = (w: number): bigint => rng.bits(w - 1);
        a = mag(p.aWidth);
        b = sign > 0 ? mag(p.bWidth) : BigInt.asUintN(p.bWidth, -mag(p.bWidth));
      }
      rows.push({ rst: resetAt(rng, i), a, b, en: bit(rng, 0.8), clear: bit(rng, 0.002) });
    }
    return rows;
  },
  expected(p, rows) {
    const lo = -(1n << BigInt(p.accWidth - 1));
    const hi = (1n << BigInt(p.accWidth - 1)) - 1n;
    let acc: bigint | undefined;
    let saturated = 0n;
    return rows.map((row) => {
      const out = acc === undefined ? [undefined, undefined] : [BigInt.asUintN(p.accWidth, acc), saturated];
      if (row.rst || row.clear) {
        acc = 0n;
        saturated = 0n;
      } else if (row.en && acc !== undefined) {
        // bigint >> is an arithmetic shift: it rounds toward minus infinity, as documented.
        const product = (BigInt.asIntN(p.aWidth, row.a!) * BigInt.asIntN(p.bWidth, row.b!)) >> BigInt(p.fracBits);
        const sum = acc + product;
        if (p.overflow === 'wrap') acc = BigInt.asIntN(p.accWidth, sum);
        else {
          acc = sum > hi ? hi : sum < lo ? lo : sum;
          if (acc !== sum) saturated = 1n;
        }
      }
      return out;
    });
  },
};

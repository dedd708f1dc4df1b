/**
 * The Pareto front of accuracy (higher is better) against energy (lower is better): the points no
 * other point beats on both, i.e. no other has energy <= and accuracy >= with one of them strict.
 */
export interface TradeOff {
  energy: number;
  accuracy: number;
}

/** The non-dominated points in increasing energy (equal points are kept once). */
export function paretoFront<T extends TradeOff>(points: readonly T[]): T[] {
  // Sorted by energy, then best accuracy first: a point is on the front iff it beats the best
  // accuracy of every cheaper-or-equal point before it.
  const sorted = [...points].sort((a, b) => a.energy - b.energy || b.accuracy - a.accuracy);
  const front: T[] = [];
  let best = -Infinity;
  for (const p of sorted) {
    if (p.accuracy > best) {
      front.push(p);
      best = p.accuracy;
    }
  }
  return front;
}

import { describe, expect, it } from 'vitest';
import { Rng } from '../../common/rng.js';
import { paretoFront, type TradeOff } from '../report/pareto.js';

/** The definition, point by point: no other point is at least as good on both and better on one. */
function dominated(p: TradeOff, all: readonly TradeOff[]): boolean {
  return all.some((q) => q.energy <= p.energy && q.accuracy >= p.accuracy && (q.energy < p.energy || q.accuracy > p.accuracy));
}

describe('paretoFront', () => {
  it('keeps the hand-checked front of a small set', () => {
    const pts = [
      { id: 'A', energy: 1, accuracy: 0.9 },
      { id: 'B', energy: 2, accuracy: 0.95 },
      { id: 'C', energy: 2, accuracy: 0.93 }, // same energy as B, less accurate
      { id: 'D', energy: 3, accuracy: 0.94 }, // more energy than B, less accurate
      { id: 'E', energy: 4, accuracy: 0.97 },
      { id: 'F', energy: 0.5, accuracy: 0.8 },
      { id: 'G', energy: 4, accuracy: 0.97 }, // equal to E: kept once
      { id: 'H', energy: 5, accuracy: 0.97 }, // as accurate as E for more energy
    ];
    expect(paretoFront(pts).map((p) => p.id)).toEqual(['F', 'A', 'B', 'E']);
    expect(paretoFront([])).toEqual([]);
    console.log(`compared the front of ${pts.length} hand-checked points`);
  });

  it('equals the pairwise dominance definition on random sets', () => {
    const seed = 11;
    const rng = new Rng(seed);
    let compared = 0;
    for (let trial = 0; trial < 50; trial++) {
      // Coarse values so that ties in energy and accuracy occur.
      const pts = Array.from({ length: 1 + Math.floor(rng.next() * 30) }, () => ({ energy: Math.floor(rng.next() * 10), accuracy: Math.floor(rng.next() * 10) / 10 }));
      const front = paretoFront(pts);
      const key = (p: TradeOff) => `${p.energy}/${p.accuracy}`;
      const expected = [...new Set(pts.filter((p) => !dominated(p, pts)).map(key))].sort();
      expect(front.map(key).sort(), `seed ${seed} trial ${trial}`).toEqual(expected);
      compared += pts.length;
    }
    console.log(`compared ${compared} random points (seed ${seed}) against the pairwise definition`);
  });
});

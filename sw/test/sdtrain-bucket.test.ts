import { describe, expect, it } from 'vitest';
import { bucketSwitch } from '../sdtrain/bucket.js';

/** Runs bucket switching over a sequence of gradients for one coefficient and returns its values. */
function trace(c0: number, grads: number[], bar: number, masked = 1): { values: number[]; counters: number[] } {
  const c = new Float32Array([c0]);
  const counter = new Int32Array(1);
  const values: number[] = [], counters: number[] = [];
  for (const g of grads) {
    bucketSwitch(c, new Float32Array([g]), new Uint8Array([masked]), counter, 0, 1, bar, { minC: 0.25, maxC: 4 });
    values.push(c[0]!);
    counters.push(counter[0]!);
  }
  return { values, counters };
}

describe('bucket switching, hand-checked cases (minC 0.25, maxC 4)', () => {
  it('bar 1: every update moves one bucket; grows x2 up to maxC, shrinks /2 to 0, restarts at -minC', () => {
    // Negative gradient = descent wants the value larger.
    expect(trace(1, [-1, -1, -1, -1], 1).values).toEqual([2, 4, 4, 4]);
    expect(trace(1, [0.3, 0.3, 0.3, 0.3, 0.3], 1).values).toEqual([0.5, 0.25, 0, -0.25, -0.5]);
    expect(trace(-0.5, [-2, -2, -2], 1).values).toEqual([-0.25, 0, 0.25]);
    console.log('compared 12 hand-computed bucket-switching values with bar 1');
  });

  it('bar 3: the sign counter must reach the bar; opposite signs cancel; the counter resets after a switch', () => {
    const t = trace(0.5, [-1, -1, 1, -1, -1, -1, 0, 1, 1, 1], 3);
    //                     +1  +2  +1  +2  +3=>x2  ...
    expect(t.counters).toEqual([1, 2, 1, 2, 0, 1, 1, 0, -1, -2]);
    expect(t.values).toEqual([0.5, 0.5, 0.5, 0.5, 1, 1, 1, 1, 1, 1]);
    const u = trace(0.5, [1, 1, 1], 3);
    expect(u.values).toEqual([0.5, 0.5, 0.25]);
    expect(u.counters).toEqual([-1, -2, 0]);
    console.log('compared 26 hand-computed bucket-switching values/counters with bar 3');
  });

  it('masked-out coefficients never move, zero gradients count nothing', () => {
    expect(trace(0, [-1, -1, -1], 1, 0).values).toEqual([0, 0, 0]);
    expect(trace(0, [0, 0, -1], 1).values).toEqual([0, 0, 0.25]);
    console.log('compared 6 hand-computed values for the mask and zero gradients');
  });

  it('works on a range of a larger array and reports the switch count', () => {
    const c = new Float32Array([1, 2, -1, 0, 4]);
    const g = new Float32Array([-1, 1, -1, 1, -1]);
    const counter = new Int32Array(5);
    const n = bucketSwitch(c, g, new Uint8Array([1, 1, 1, 1, 1]), counter, 1, 4, 1, { minC: 0.25, maxC: 4 });
    expect(n).toBe(3);
    expect([...c]).toEqual([1, 1, -0.5, -0.25, 4]);
    console.log('compared 5 values of a ranged bucket-switching step');
  });
});

describe('bucket switching over a gradient window (SdParams.bucketStep)', () => {
  it('sums the C gradient over the window and counts the sign of the sum once', async () => {
    const { decomposeLayer } = await import('../sd/decompose.js');
    const { SdParams } = await import('../sdtrain/sd-layers.js');
    // One linear output of 3 inputs: a single block with a single row.
    const make = () => new SdParams(decomposeLayer('fc', Float32Array.from([1, 0.5, -1]), [1, 3])!, { threshold: 2 ** -4, maxC: 32 });
    const steps = (p: InstanceType<typeof SdParams>, grads: number[][], window: number) => grads.map((g) => {
      p.c.grad = Float32Array.from(g);
      const n = p.bucketStep(1, window);
      p.c.zeroGrad();
      return n;
    });
    const start = [...make().c.data];
    // window 1: every step switches each coefficient (bar 1) -> down then up.
    const a = make();
    expect(steps(a, [[1, 1, 1], [-3, -3, -3]], 1)).toEqual([3, 3]);
    // window 2: the sum -2 counts once, toward larger magnitude for the positive entries.
    const b = make();
    expect(steps(b, [[1, 1, 1], [-3, -3, -3]], 2)).toEqual([0, 3]);
    // Positive entries double (clamped to the block window's top), negative ones halve toward 0.
    const top = b.bounds[0]!.maxC;
    const want = start.map((v) => (v > 0 ? Math.min(top, 2 * v) : v / 2));
    expect(want).toEqual([1, 1, -0.5]); // the window ends at 2^0: the largest entry, 1, stays
    expect([...b.c.data]).toEqual(want);
    console.log(`compared switch counts of 4 steps and ${want.length} coefficients after a 2-batch window: ${start.join(',')} -> ${want.join(',')}`);
  });
});

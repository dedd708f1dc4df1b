import { describe, expect, it } from 'vitest';
import { cutBlocks, joinBlocks, layoutFor, tensorSize } from '../sd/blocks.js';
import { Rng } from '../../common/rng.js';

function randomTensor(rng: Rng, shape: number[]): Float32Array {
  const w = new Float32Array(tensorSize(shape));
  for (let i = 0; i < w.length; i++) w[i] = rng.normal();
  return w;
}

describe('SmartDeal block layout', () => {
  it('places conv 3x3 weights at row (c, kh), column kw', () => {
    const shape = [2, 4, 3, 3];
    const w = new Float32Array(tensorSize(shape)).map((_, i) => i);
    const layout = layoutFor(shape, { basis: 3, blockRows: 6 });
    expect(layout.kind).toBe('conv3x3');
    expect(layout.blockSizes).toEqual([6, 6]);
    const blocks = cutBlocks(w, layout);
    // output 1, channel 2, kh 1, kw 2 -> flat ((1*4+2)*3+1)*3+2 = 59; row c*3+kh = 7 -> block 1, local row 1
    expect(blocks[1]![1]![1 * 3 + 2]).toBe(59);
    // output 0, channel 0, kh 2, kw 0 -> flat 6; row 2 of block 0
    expect(blocks[0]![0]![2 * 3 + 0]).toBe(6);
  });

  it('pads linear and 1x1 rows to a multiple of S and reshapes them', () => {
    const w = new Float32Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]); // [2][5]
    const layout = layoutFor([2, 5], { basis: 3, blockRows: 192 });
    expect(layout.kind).toBe('rows');
    expect(layout.rowsPerOutput).toBe(2);
    const blocks = cutBlocks(w, layout);
    expect(Array.from(blocks[0]![0]!)).toEqual([1, 2, 3, 4, 5, 0]);
    expect(Array.from(blocks[1]![0]!)).toEqual([6, 7, 8, 9, 10, 0]);
    expect(layoutFor([4, 7, 1, 1], { basis: 3, blockRows: 2 }).blockSizes).toEqual([2, 1]);
    expect(layoutFor([4, 7, 5, 5]).kind).toBe('dense');
    expect(layoutFor([4, 7, 1, 3]).kind).toBe('dense');
  });

  it('join(cut(W)) == W on every shape kind, block size and basis', () => {
    const rng = new Rng(11);
    const shapes = [[8, 5, 3, 3], [3, 64, 3, 3], [10, 784], [10, 7], [6, 13, 1, 1], [1, 1, 3, 3], [1, 1]];
    let n = 0;
    for (const shape of shapes) {
      for (const blockRows of [1, 2, 5, 192]) {
        for (const basis of shape.length === 4 && shape[2] === 3 ? [3] : [2, 3, 4]) {
          const w = randomTensor(rng, shape);
          const layout = layoutFor(shape, { basis, blockRows });
          const back = joinBlocks(cutBlocks(w, layout), layout);
          expect(Array.from(back), `seed 11 shape ${shape} rows ${blockRows} S ${basis}`).toEqual(Array.from(w));
          n++;
        }
      }
    }
    console.log(`compared ${n} cut/join round trips (seed 11)`);
  });

  it('rejects bad options with clear messages', () => {
    expect(() => layoutFor([2, 2, 3, 3], { basis: 4, blockRows: 4 })).toThrow(/basis size 3/);
    expect(() => layoutFor([2, 0], { basis: 3, blockRows: 4 })).toThrow(/non-positive/);
    expect(() => cutBlocks(new Float32Array(3), layoutFor([2, 2]))).toThrow(/needs 4/);
  });
});

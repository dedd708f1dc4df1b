import { describe, expect, it } from 'vitest';
import { Rng } from '../../common/rng.js';
import { gemm, gemmNaive, transpose } from '../tensor/gemm.js';
import { conv2d } from '../nn/conv.js';
import { Tensor } from '../tensor/tensor.js';

function random(rng: Rng, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.next() * 2 - 1;
  // Sprinkle exact zeros: the NN kernel skips all-zero A columns, that path must stay correct.
  for (let i = 0; i < n; i += 7) a[i] = 0;
  return a;
}

describe('GEMM against the naive triple loop', () => {
  it('all four transpose variants on random and edge shapes', () => {
    const seed = 2024;
    const rng = new Rng(seed);
    // Edge sizes around the kernel's blocking (4 rows, 2x4 tiles, 128-deep K panels, 1024-wide N panels).
    const shapes: [number, number, number][] = [
      [1, 1, 1], [3, 5, 2], [4, 4, 4], [5, 9, 7], [7, 3, 129], [13, 1030, 3], [2, 17, 300], [33, 65, 257],
    ];
    for (let r = 0; r < 6; r++) shapes.push([rng.int(1, 40), rng.int(1, 70), rng.int(1, 200)]);
    let compared = 0;
    for (const [M, N, K] of shapes) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          const A = random(rng, M * K), B = random(rng, K * N);
          const want = gemmNaive(transA, transB, M, N, K, A, B);
          const C = new Float32Array(M * N);
          gemm(transA, transB, M, N, K, A, B, C);
          const prior = random(rng, M * N);
          const acc = prior.slice();
          gemm(transA, transB, M, N, K, A, B, acc, true);
          for (let i = 0; i < M * N; i++) {
            const tol = 1e-5 * (K + 1);
            if (Math.abs(C[i]! - want[i]!) > tol || Math.abs(acc[i]! - prior[i]! - want[i]!) > tol) {
              expect.fail(`seed ${seed} M=${M} N=${N} K=${K} tA=${transA} tB=${transB} at ${i}: got ${C[i]} / acc ${acc[i]! - prior[i]!}, want ${want[i]}`);
            }
          }
          compared += 2 * M * N;
        }
      }
    }
    console.log(`compared ${compared} GEMM outputs on ${shapes.length} shapes x 4 transpose variants with the naive product (seed ${seed})`);
  });

  it('transpose', () => {
    const rng = new Rng(5);
    const a = random(rng, 37 * 41);
    const t = transpose(a, 37, 41);
    for (let r = 0; r < 37; r++) for (let c = 0; c < 41; c++) expect(t[c * 37 + r]).toBe(a[r * 41 + c]);
    console.log('compared 1517 transposed entries with direct indexing (seed 5)');
  });
});

describe('im2col convolution against a direct convolution', () => {
  it('matches a six-loop reference for several geometries', () => {
    const seed = 77;
    const rng = new Rng(seed);
    let compared = 0;
    for (const [c, o, h, w, k, stride, pad] of [[1, 3, 7, 7, 3, 1, 1], [3, 2, 8, 5, 3, 2, 1], [4, 5, 5, 6, 1, 1, 0], [2, 3, 9, 9, 3, 2, 0]] as const) {
      const x = new Tensor(random(rng, 2 * c * h * w), [2, c, h, w]);
      const wt = new Tensor(random(rng, o * c * k * k), [o, c, k, k]);
      const y = conv2d(x, wt, null, { stride, padding: pad });
      const [, , oh, ow] = y.shape as number[];
      for (let n = 0; n < 2; n++) for (let oc = 0; oc < o; oc++) for (let oy = 0; oy < oh!; oy++) for (let ox = 0; ox < ow!; ox++) {
        let s = 0;
        for (let ic = 0; ic < c; ic++) for (let ky = 0; ky < k; ky++) for (let kx = 0; kx < k; kx++) {
          const iy = oy * stride - pad + ky, ix = ox * stride - pad + kx;
          if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
          s += x.data[((n * c + ic) * h + iy) * w + ix]! * wt.data[((oc * c + ic) * k + ky) * k + kx]!;
        }
        const got = y.data[((n * o + oc) * oh! + oy) * ow! + ox]!;
        expect(Math.abs(got - s), `seed ${seed} conv c${c} k${k} s${stride} p${pad}`).toBeLessThan(1e-5);
        compared++;
      }
    }
    console.log(`compared ${compared} conv outputs with a direct six-loop convolution (seed ${seed})`);
  });
});

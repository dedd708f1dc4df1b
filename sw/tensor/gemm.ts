/**
 * Single-precision matrix products on row-major Float32Array, the hot path of training.
 *
 *   gemm(transA, transB, M, N, K, A, B, C, accumulate)   C[M x N] (+)= op(A)[M x K] * op(B)[K x N]
 *
 * A is M x K (or K x M when transA), B is K x N (or N x K when transB), all densely packed.
 * The loop order is fixed and independent of timing, so equal operands give bit-identical results
 * (training runs are reproducible from their seed).
 */

/** Depth of one K panel: the B rows one row of tiles walks stay in L2. */
const KC = 256;

export function gemm(
  transA: boolean, transB: boolean, M: number, N: number, K: number,
  A: Float32Array, B: Float32Array, C: Float32Array, accumulate = false,
): void {
  if (!accumulate) C.fill(0, 0, M * N);
  if (M === 0 || N === 0 || K === 0) return;
  if (transA) A = transpose(A, K, M); // packing a small operand once beats strided loads in the kernel
  if (transB) gemmNT(M, N, K, A, B, C);
  else gemmNN(M, N, K, A, B, C);
}

/** out[cols x rows] = in[rows x cols]^T. */
export function transpose(src: Float32Array, rows: number, cols: number, out = new Float32Array(rows * cols)): Float32Array {
  const TB = 32; // tile so both the reads and the writes stay within a few cache lines
  for (let r0 = 0; r0 < rows; r0 += TB) {
    const r1 = Math.min(rows, r0 + TB);
    for (let c0 = 0; c0 < cols; c0 += TB) {
      const c1 = Math.min(cols, c0 + TB);
      for (let r = r0; r < r1; r++) {
        const base = r * cols;
        for (let c = c0; c < c1; c++) out[c * rows + r] = src[base + c]!;
      }
    }
  }
  return out;
}

/**
 * C += A * B. A 4 x 4 tile of C lives in sixteen register accumulators while k runs over one K
 * panel: each step loads 4 values of A and 4 of B for 16 multiply-adds. K is cut into panels so
 * the B rows a tile walks stay in cache; leftover rows/columns take a plain row kernel.
 */
function gemmNN(M: number, N: number, K: number, A: Float32Array, B: Float32Array, C: Float32Array): void {
  const mTiles = M - (M % 4), nTiles = N - (N % 4);
  for (let k0 = 0; k0 < K; k0 += KC) {
    const k1 = Math.min(K, k0 + KC);
    for (let i = 0; i < mTiles; i += 4) {
      const a0r = i * K, a1r = a0r + K, a2r = a1r + K, a3r = a2r + K;
      const c0 = i * N, c1 = c0 + N, c2 = c1 + N, c3 = c2 + N;
      for (let j = 0; j < nTiles; j += 4) {
        let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
        let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
        for (let k = k0, bk = k0 * N + j; k < k1; k++, bk += N) {
          const b0 = B[bk]!, b1 = B[bk + 1]!, b2 = B[bk + 2]!, b3 = B[bk + 3]!;
          const a0 = A[a0r + k]!, a1 = A[a1r + k]!, a2 = A[a2r + k]!, a3 = A[a3r + k]!;
          s00 += a0 * b0; s01 += a0 * b1; s02 += a0 * b2; s03 += a0 * b3;
          s10 += a1 * b0; s11 += a1 * b1; s12 += a1 * b2; s13 += a1 * b3;
          s20 += a2 * b0; s21 += a2 * b1; s22 += a2 * b2; s23 += a2 * b3;
          s30 += a3 * b0; s31 += a3 * b1; s32 += a3 * b2; s33 += a3 * b3;
        }
        C[c0 + j] += s00; C[c0 + j + 1] += s01; C[c0 + j + 2] += s02; C[c0 + j + 3] += s03;
        C[c1 + j] += s10; C[c1 + j + 1] += s11; C[c1 + j + 2] += s12; C[c1 + j + 3] += s13;
        C[c2 + j] += s20; C[c2 + j + 1] += s21; C[c2 + j + 2] += s22; C[c2 + j + 3] += s23;
        C[c3 + j] += s30; C[c3 + j + 1] += s31; C[c3 + j + 2] += s32; C[c3 + j + 3] += s33;
      }
      if (nTiles < N) rowKernel(i, i + 4, nTiles, N, k0, k1, N, K, A, B, C);
    }
    if (mTiles < M) rowKernel(mTiles, M, 0, N, k0, k1, N, K, A, B, C);
  }
}

/** C[i0..i1, j0..j1] += A[i0..i1, k0..k1] * B[k0..k1, j0..j1], one row of C at a time (edges). */
function rowKernel(
  i0: number, i1: number, j0: number, j1: number, k0: number, k1: number,
  N: number, K: number, A: Float32Array, B: Float32Array, C: Float32Array,
): void {
  for (let i = i0; i < i1; i++) {
    const cr = i * N, ar = i * K;
    for (let k = k0; k < k1; k++) {
      const a = A[ar + k]!;
      if (a === 0) continue;
      const br = k * N;
      for (let j = j0; j < j1; j++) C[cr + j] += a * B[br + j]!;
    }
  }
}

/**
 * C += A * B^T with B stored N x K: every C entry is a dot product of two contiguous rows.
 * A 2 x 4 tile of C is kept in eight register accumulators, so each loaded value is used 2-4 times.
 */
function gemmNT(M: number, N: number, K: number, A: Float32Array, B: Float32Array, C: Float32Array): void {
  let i = 0;
  for (; i + 2 <= M; i += 2) {
    const a0r = i * K, a1r = a0r + K;
    let j = 0;
    for (; j + 4 <= N; j += 4) {
      const b0r = j * K, b1r = b0r + K, b2r = b1r + K, b3r = b2r + K;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      for (let k = 0; k < K; k++) {
        const a0 = A[a0r + k]!, a1 = A[a1r + k]!;
        const b0 = B[b0r + k]!, b1 = B[b1r + k]!, b2 = B[b2r + k]!, b3 = B[b3r + k]!;
        s00 += a0 * b0; s01 += a0 * b1; s02 += a0 * b2; s03 += a0 * b3;
        s10 += a1 * b0; s11 += a1 * b1; s12 += a1 * b2; s13 += a1 * b3;
      }
      const c0 = i * N + j, c1 = c0 + N;
      C[c0] += s00; C[c0 + 1] += s01; C[c0 + 2] += s02; C[c0 + 3] += s03;
      C[c1] += s10; C[c1 + 1] += s11; C[c1 + 2] += s12; C[c1 + 3] += s13;
    }
    for (; j < N; j++) {
      const br = j * K;
      let s0 = 0, s1 = 0;
      for (let k = 0; k < K; k++) {
        const b = B[br + k]!;
        s0 += A[a0r + k]! * b;
        s1 += A[a1r + k]! * b;
      }
      C[i * N + j] += s0;
      C[(i + 1) * N + j] += s1;
    }
  }
  for (; i < M; i++) {
    const ar = i * K;
    for (let j = 0; j < N; j++) {
      const br = j * K;
      let s = 0;
      for (let k = 0; k < K; k++) s += A[ar + k]! * B[br + k]!;
      C[i * N + j] += s;
    }
  }
}

/** Plain triple loop, the reference the fast kernels are tested against. */
export function gemmNaive(
  transA: boolean, transB: boolean, M: number, N: number, K: number,
  A: ArrayLike<number>, B: ArrayLike<number>,
): Float64Array {
  const C = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) {
        const a = transA ? A[k * M + i]! : A[i * K + k]!;
        const b = transB ? B[j * K + k]! : B[k * N + j]!;
        s += a * b;
      }
      C[i * N + j] = s;
    }
  }
  return C;
}

/**
 * Single-precision matrix products on row-major Float32Array, the hot path of training.
 *
 *   gemm(transA, transB, M, N, K, A, B, C, accumulate)   C[M x N] (+)= op(A)[M x K] * op(B)[K x N]
 *
 * A is M x K (or K x M when transA), B is K x N (or N x K when transB), all densely packed.
 * The loop order is fixed and independent of timing, so equal operands give bit-identical results
 * (training runs are reproducible from their seed).
 */

/** Rows of C updated together by the NN kernel: each loaded B value is reused this many times. */
const ROWS = 4;
/** Depth of one K panel: keeps the touched rows of B in L1/L2 while all rows of C pass over them. */
const KC = 128;
/** Width of one N panel: 4 C rows + KC B rows of this width stay cache-resident. */
const NC = 1024;

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
 * C += A * B. Blocked over N and K for the cache; the inner kernel streams one row of B and
 * updates four rows of C with four A values held in registers.
 */
function gemmNN(M: number, N: number, K: number, A: Float32Array, B: Float32Array, C: Float32Array): void {
  for (let j0 = 0; j0 < N; j0 += NC) {
    const j1 = Math.min(N, j0 + NC);
    for (let k0 = 0; k0 < K; k0 += KC) {
      const k1 = Math.min(K, k0 + KC);
      let i = 0;
      for (; i + ROWS <= M; i += ROWS) {
        const c0 = i * N, c1 = c0 + N, c2 = c1 + N, c3 = c2 + N;
        const a0r = i * K, a1r = a0r + K, a2r = a1r + K, a3r = a2r + K;
        for (let k = k0; k < k1; k++) {
          const a0 = A[a0r + k]!, a1 = A[a1r + k]!, a2 = A[a2r + k]!, a3 = A[a3r + k]!;
          if (a0 === 0 && a1 === 0 && a2 === 0 && a3 === 0) continue; // ReLU/pruning zeros are common
          const bRow = k * N;
          for (let j = j0; j < j1; j++) {
            const b = B[bRow + j]!;
            C[c0 + j] += a0 * b;
            C[c1 + j] += a1 * b;
            C[c2 + j] += a2 * b;
            C[c3 + j] += a3 * b;
          }
        }
      }
      for (; i < M; i++) {
        const c0 = i * N, a0r = i * K;
        for (let k = k0; k < k1; k++) {
          const a0 = A[a0r + k]!;
          if (a0 === 0) continue;
          const bRow = k * N;
          for (let j = j0; j < j1; j++) C[c0 + j] += a0 * B[bRow + j]!;
        }
      }
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

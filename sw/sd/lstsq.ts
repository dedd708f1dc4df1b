/**
 * The small least-squares solves of the SmartDeal decomposition, in Float64. All systems are S x S
 * (S = 3) normal equations, made positive definite by a ridge term and solved by Cholesky.
 */

/** Solves M X = R for X (M: n x n symmetric positive semi-definite, R: n x k), adding ridge * mean(diag M) to the diagonal. */
export function solveNormal(m: Float64Array, r: Float64Array, n: number, k: number, ridge: number): Float64Array {
  let trace = 0;
  for (let i = 0; i < n; i++) trace += m[i * n + i]!;
  // The ridge scales with the matrix so it regularises equally for tiny and large weights;
  // the absolute floor keeps an all-zero system solvable (its solution is then 0).
  const eps = ridge * (trace / n) + 1e-300;
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = m[i * n + j]! + (i === j ? eps : 0);
      for (let p = 0; p < j; p++) s -= l[i * n + p]! * l[j * n + p]!;
      if (i === j) l[i * n + i] = Math.sqrt(Math.max(s, 1e-300));
      else l[i * n + j] = s / l[j * n + j]!;
    }
  }
  const x = new Float64Array(n * k);
  for (let c = 0; c < k; c++) {
    // forward: L y = r
    for (let i = 0; i < n; i++) {
      let s = r[i * k + c]!;
      for (let p = 0; p < i; p++) s -= l[i * n + p]! * x[p * k + c]!;
      x[i * k + c] = s / l[i * n + i]!;
    }
    // backward: L^T x = y
    for (let i = n - 1; i >= 0; i--) {
      let s = x[i * k + c]!;
      for (let p = i + 1; p < n; p++) s -= l[p * n + i]! * x[p * k + c]!;
      x[i * k + c] = s / l[i * n + i]!;
    }
  }
  return x;
}

/** B minimising ||A - Ce B||_F: (Ce^T Ce) B = Ce^T A. Ce and A are rows x S. */
export function fitBasis(ce: ArrayLike<number>, a: ArrayLike<number>, rows: number, S: number, ridge: number): Float64Array {
  const m = new Float64Array(S * S);
  const r = new Float64Array(S * S);
  for (let row = 0; row < rows; row++) {
    for (let i = 0; i < S; i++) {
      const ci = ce[row * S + i]!;
      if (ci === 0) continue;
      for (let j = 0; j < S; j++) {
        m[i * S + j] += ci * ce[row * S + j]!;
        r[i * S + j] += ci * a[row * S + j]!;
      }
    }
  }
  return solveNormal(m, r, S, S, ridge);
}

/** Ce minimising ||A - Ce B||_F: (B B^T) Ce^T = B A^T, one right-hand side per row. */
export function fitCoefficients(a: ArrayLike<number>, b: ArrayLike<number>, rows: number, S: number, ridge: number): Float64Array {
  const m = new Float64Array(S * S);
  for (let i = 0; i < S; i++) {
    for (let j = 0; j < S; j++) {
      let s = 0;
      for (let p = 0; p < S; p++) s += b[i * S + p]! * b[j * S + p]!;
      m[i * S + j] = s;
    }
  }
  const rhs = new Float64Array(S * rows); // B A^T, S x rows
  for (let i = 0; i < S; i++) {
    for (let row = 0; row < rows; row++) {
      let s = 0;
      for (let p = 0; p < S; p++) s += b[i * S + p]! * a[row * S + p]!;
      rhs[i * rows + row] = s;
    }
  }
  const ceT = solveNormal(m, rhs, S, rows, ridge);
  const ce = new Float64Array(rows * S);
  for (let i = 0; i < S; i++) for (let row = 0; row < rows; row++) ce[row * S + i] = ceT[i * rows + row]!;
  return ce;
}

/** Squared Frobenius norm of A - Ce B. */
export function residual2(a: ArrayLike<number>, ce: ArrayLike<number>, b: ArrayLike<number>, rows: number, S: number): number {
  let e = 0;
  for (let row = 0; row < rows; row++) {
    for (let j = 0; j < S; j++) {
      let s = 0;
      for (let p = 0; p < S; p++) s += ce[row * S + p]! * b[p * S + j]!;
      const d = a[row * S + j]! - s;
      e += d * d;
    }
  }
  return e;
}

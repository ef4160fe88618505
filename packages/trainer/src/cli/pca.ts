/**
 * The first `k` principal components of the rows of `x` (`n` rows of `d`
 * numbers, row-major): the top eigenvectors of the covariance matrix, found
 * by power iteration with deflation (plain float64 loops; `d` is an
 * embedding's width, a few hundred at most). Returns the components, their
 * variances and each row's coordinates on them (`[n, k]`, row-major).
 */
export function pca(
  x: ArrayLike<number>,
  n: number,
  d: number,
  k = 2,
): { components: Float64Array[]; variances: number[]; projected: Float64Array } {
  if (!(Number.isInteger(n) && n >= 1 && Number.isInteger(d) && d >= 1 && x.length === n * d)) {
    throw new Error(`pca: x must hold n*d = ${n}*${d} numbers, got ${x.length}`);
  }
  if (!(Number.isInteger(k) && k >= 1 && k <= d)) {
    throw new Error(`pca: k must be an integer in [1, ${d}], got ${k}`);
  }
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x[i * d + j] / n;
  // covariance C = (X - mean)^T (X - mean) / n, [d, d]
  const c = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = x[i * d + j] - mean[j];
    for (let a = 0; a < d; a++) {
      const ra = row[a] / n;
      if (ra === 0) continue;
      for (let b = 0; b < d; b++) c[a * d + b] += ra * row[b];
    }
  }
  const components: Float64Array[] = [];
  const variances: number[] = [];
  for (let comp = 0; comp < k; comp++) {
    // a fixed start that is not orthogonal to any axis
    let v = Float64Array.from({ length: d }, (_, j) => 1 + ((j * 7919) % 13) / 13);
    let lambda = 0;
    for (let it = 0; it < 500; it++) {
      const w = new Float64Array(d);
      for (let a = 0; a < d; a++) {
        let s = 0;
        for (let b = 0; b < d; b++) s += c[a * d + b] * v[b];
        w[a] = s;
      }
      const norm = Math.hypot(...w);
      if (norm === 0) break; // no variance left
      const next = w.map((e) => e / norm);
      const change = next.reduce((s, e, j) => s + Math.abs(e - v[j]), 0);
      v = next;
      lambda = norm;
      if (change < 1e-12) break;
    }
    // sign: the largest entry positive (a stable orientation)
    let at = 0;
    for (let j = 1; j < d; j++) if (Math.abs(v[j]) > Math.abs(v[at])) at = j;
    if (v[at] < 0) v = v.map((e) => -e);
    components.push(v);
    variances.push(lambda);
    // deflate: C -= lambda v v^T
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) c[a * d + b] -= lambda * v[a] * v[b];
  }
  const projected = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let comp = 0; comp < k; comp++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (x[i * d + j] - mean[j]) * components[comp][j];
      projected[i * k + comp] = s;
    }
  }
  return { components, variances, projected };
}

/**
 * Element-wise |a - e| <= atol + rtol * |e|, with a message that points at the
 * first element that differs.
 */
export function expectAllClose(
  actual: ArrayLike<number> | number,
  expected: ArrayLike<number> | number,
  { atol = 1e-5, rtol = 1e-4 }: { atol?: number; rtol?: number } = {},
): void {
  const a = typeof actual === 'number' ? [actual] : Array.from(actual);
  const e = typeof expected === 'number' ? [expected] : Array.from(expected);
  if (a.length !== e.length) {
    throw new Error(`expectAllClose: length ${a.length} != expected length ${e.length}`);
  }
  for (let i = 0; i < a.length; i++) {
    const tol = atol + rtol * Math.abs(e[i]);
    if (!(Math.abs(a[i] - e[i]) <= tol)) {
      throw new Error(
        `expectAllClose: element ${i}: got ${a[i]}, expected ${e[i]} (|diff| ${Math.abs(
          a[i] - e[i],
        )} > tol ${tol})`,
      );
    }
  }
}

/**
 * Central finite differences of a scalar function of a flat Float64 vector,
 * computed in double precision: the independent reference for gradient tests.
 */
export function numericGradient(
  f: (x: Float64Array) => number,
  x: ArrayLike<number>,
  eps = 1e-4,
): Float64Array {
  const xs = Float64Array.from(x);
  const g = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const old = xs[i];
    xs[i] = old + eps;
    const fp = f(xs);
    xs[i] = old - eps;
    const fm = f(xs);
    xs[i] = old;
    g[i] = (fp - fm) / (2 * eps);
  }
  return g;
}

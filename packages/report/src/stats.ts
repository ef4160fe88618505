/** Mean of `xs` (NaN for none). */
export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : xs.reduce((s, x) => s + x, 0) / xs.length;
}

/** Sample standard deviation (n − 1 in the denominator; 0 for fewer than two values). */
export function std(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
}

/** Mean, sample standard deviation, extremes and count of `xs`. */
export interface Spread {
  mean: number;
  std: number;
  min: number;
  max: number;
  n: number;
}

/** The {@link Spread} of `xs`. */
export function spread(xs: readonly number[]): Spread {
  // reduce, not Math.min(...xs): a spread of >~120k arguments overflows the stack
  const min = xs.reduce((m, x) => Math.min(m, x), Infinity);
  const max = xs.reduce((m, x) => Math.max(m, x), -Infinity);
  return { mean: mean(xs), std: std(xs), min, max, n: xs.length };
}

/**
 * `mean ± std` as text, both multiplied by `scale` (100 for fractions shown as
 * percent) and printed with `digits` decimals: `meanStd(0.853, 0.012)` is `'85.3 ± 1.2'`.
 */
export function meanStd(m: number, s: number, { scale = 100, digits = 1 } = {}): string {
  return `${(scale * m).toFixed(digits)} ± ${(scale * s).toFixed(digits)}`;
}

/**
 * `rows` grouped by `key`, groups in the order their first row appears and
 * rows in their input order.
 */
export function groupBy<T>(rows: readonly T[], key: (row: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  return [...groups.values()];
}

// Float64 building blocks for the tests' naive reference loops. Test-only: not
// exported from index.ts, so it is not part of the package build.
import * as tf from '@tensorflow/tfjs-core';
import { expectAllClose, expectNoLeak, numericGradient } from '@ssl/test-utils';

/** Splits a flat row-major array into `n` rows of `d` float64 numbers. */
export function rows(flat: ArrayLike<number>, n: number, d: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row: number[] = [];
    for (let j = 0; j < d; j++) row.push(flat[i * d + j]);
    out.push(row);
  }
  return out;
}

export function dot(a: number[], b: number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Cosine similarity with each norm floored at 1e-12 (a zero vector has cosine 0). */
export function cosine(a: number[], b: number[]): number {
  const na = Math.max(Math.sqrt(dot(a, a)), 1e-12);
  const nb = Math.max(Math.sqrt(dot(b, b)), 1e-12);
  return dot(a, b) / (na * nb);
}

/** log Σ exp(v), shifted by the maximum so float64 never overflows. */
export function logSumExp(v: number[]): number {
  const m = Math.max(...v);
  let s = 0;
  for (const x of v) s += Math.exp(x - m);
  return m + Math.log(s);
}

/** Concatenation of several flat arrays into one Float64Array. */
export function concatFlat(...parts: ArrayLike<number>[]): Float64Array {
  const out = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(Array.from(p), o);
    o += p.length;
  }
  return out;
}

/** Runs `f`, reads its scalar result and disposes it. */
export function scalarValue(f: () => tf.Scalar): number {
  const t = f();
  const v = t.dataSync()[0];
  t.dispose();
  return v;
}

/** Gradients of `f` at `xs`, read back as one flat array (in argument order) and disposed. */
export function gradientsFlat(f: (...xs: tf.Tensor[]) => tf.Scalar, xs: tf.Tensor[]): Float32Array {
  const gs = tf.grads(f)(xs);
  const out = new Float32Array(gs.reduce((s, g) => s + g.size, 0));
  let o = 0;
  for (const g of gs) {
    out.set(g.dataSync(), o);
    o += g.size;
    g.dispose();
  }
  return out;
}

/** A loss of two embedding batches `[N, D]` (NT-Xent, Barlow Twins, VICReg, negative cosine). */
export type PairLoss = (z1: tf.Tensor2D, z2: tf.Tensor2D) => tf.Scalar;

/** `f` on the flat arrays `a`, `b` read as `[n, d]` tensors; returns its value, frees every tensor. */
export function pairLossValue(
  f: PairLoss,
  a: Float32Array,
  b: Float32Array,
  n: number,
  d: number,
): number {
  return scalarValue(() => tf.tidy(() => f(tf.tensor2d(a, [n, d]), tf.tensor2d(b, [n, d]))));
}

/** Gradients of `f` w.r.t. both arguments at `a`, `b` (as `[n, d]`), flat: z1's, then z2's. */
export function pairGradients(
  f: PairLoss,
  a: Float32Array,
  b: Float32Array,
  n: number,
  d: number,
): Float32Array {
  return gradientsFlat(
    (x, y) => f(x as tf.Tensor2D, y as tf.Tensor2D),
    [tf.tensor2d(a, [n, d]), tf.tensor2d(b, [n, d])],
  );
}

/**
 * Expects the gradients of `f` at `a`, `b` (as `[n, d]`) to match central
 * finite differences of the float64 reference loop `naive(z1Rows, z2Rows)`.
 */
export function expectPairGradientsMatch(
  f: PairLoss,
  naive: (z1: number[][], z2: number[][]) => number,
  a: Float32Array,
  b: Float32Array,
  n: number,
  d: number,
): void {
  const got = pairGradients(f, a, b, n, d);
  const expected = numericGradient(
    (x) => naive(rows(x, n, d), rows(x.subarray(n * d), n, d)),
    concatFlat(a, b),
  );
  expectAllClose(got, expected, { atol: 2e-4, rtol: 1e-3 });
}

/**
 * Expects neither `f(a, b)`, nor its gradients w.r.t. `a` and `b`, nor the
 * call `rejected` (which must throw) to leave a tensor behind.
 */
export async function expectPairLossNoLeak(
  f: PairLoss,
  a: tf.Tensor2D,
  b: tf.Tensor2D,
  rejected?: () => unknown,
): Promise<void> {
  await expectNoLeak(() => f(a, b));
  await expectNoLeak(() =>
    tf.grads((x: tf.Tensor, y: tf.Tensor) => f(x as tf.Tensor2D, y as tf.Tensor2D))([a, b]),
  );
  if (rejected) await expectNoLeak(() => expect(rejected).toThrow());
}

/** Expects `f` to throw an Error whose message matches `re`. */
export function expectRejects(f: () => unknown, re: RegExp): void {
  expect(f).toThrow(re);
}

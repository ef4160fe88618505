// Float64 building blocks for the tests' naive reference loops. Test-only: not
// exported from index.ts, so it is not part of the package build.
import * as tf from '@tensorflow/tfjs-core';

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

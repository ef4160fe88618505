import * as tf from '@tensorflow/tfjs-core';

// Eager argument checks shared by every loss. They run before any tensor is
// created, so a bad call throws without allocating (and without leaking), and
// every message names the function, the argument, what was expected and what
// arrived.

function describeValue(x: unknown): string {
  if (x === null) return 'null';
  if (x instanceof tf.Tensor) return `a tensor of shape [${x.shape.join(',')}]`;
  if (Array.isArray(x)) return 'an array';
  return typeof x === 'number' ? String(x) : typeof x;
}

/** Throws unless `x` is a float32 tensor of rank `rank` with no empty axis. */
export function assertTensor(
  fn: string,
  arg: string,
  x: unknown,
  rank: number,
  layout: string,
  dtype: tf.DataType = 'float32',
): asserts x is tf.Tensor {
  if (!(x instanceof tf.Tensor)) {
    throw new Error(`${fn}: ${arg} must be a ${rank}-D tensor ${layout}, got ${describeValue(x)}`);
  }
  if (x.isDisposed) {
    throw new Error(`${fn}: ${arg} must be a live tensor, got a disposed tensor`);
  }
  if (x.rank !== rank) {
    throw new Error(
      `${fn}: ${arg} must be a ${rank}-D tensor ${layout}, got shape [${x.shape.join(',')}]`,
    );
  }
  if (x.dtype !== dtype) {
    throw new Error(`${fn}: ${arg} must have dtype ${dtype}, got ${x.dtype}`);
  }
  if (x.shape.some((d: number) => d === 0)) {
    throw new Error(
      `${fn}: ${arg} must not have an empty axis ${layout}, got shape [${x.shape.join(',')}]`,
    );
  }
}

/** Throws unless `a` and `b` have the same shape. */
export function assertSameShape(
  fn: string,
  aName: string,
  a: tf.Tensor,
  bName: string,
  b: tf.Tensor,
): void {
  const same = a.rank === b.rank && a.shape.every((d, i) => d === b.shape[i]);
  if (!same) {
    throw new Error(
      `${fn}: ${aName} and ${bName} must have the same shape, got [${a.shape.join(
        ',',
      )}] and [${b.shape.join(',')}]`,
    );
  }
}

/**
 * Throws unless `a` and `b` are both float32 embedding batches `[N, D]` of the
 * same shape (checked in that order: `a`, `b`, then the shapes).
 */
export function assertEmbeddingPair(
  fn: string,
  aName: string,
  a: unknown,
  bName: string,
  b: unknown,
): void {
  assertTensor(fn, aName, a, 2, '[N, D]');
  assertTensor(fn, bName, b, 2, '[N, D]');
  assertSameShape(fn, aName, a, bName, b);
}

/** Throws unless the batch size `n` (the size of axis 0 of `arg`) is at least `min`. */
export function assertBatchAtLeast(fn: string, arg: string, n: number, min: number, why: string) {
  if (n < min) {
    throw new Error(`${fn}: ${arg} must have a batch size N >= ${min} (${why}), got N = ${n}`);
  }
}

/** Throws unless `opts` is undefined or a plain object. */
export function assertOptions(fn: string, opts: unknown): void {
  if (opts !== undefined && (opts === null || typeof opts !== 'object' || Array.isArray(opts))) {
    throw new Error(`${fn}: opts must be an object or undefined, got ${describeValue(opts)}`);
  }
}

/** Throws unless `value` is a finite number > 0. */
export function assertPositive(fn: string, arg: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new Error(`${fn}: ${arg} must be a finite number > 0, got ${describeValue(value)}`);
  }
}

/** Throws unless `value` is a finite number >= 0. */
export function assertNonNegative(
  fn: string,
  arg: string,
  value: unknown,
): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new Error(`${fn}: ${arg} must be a finite number >= 0, got ${describeValue(value)}`);
  }
}

/**
 * Smallest accepted temperature. Logits are bounded by 1/temperature; below
 * this the float32 logits lose all precision (and near 1e-39 overflow).
 */
export const MIN_TEMPERATURE = 1e-6;

/** Throws unless `t` is a finite temperature >= {@link MIN_TEMPERATURE}. */
export function assertTemperature(fn: string, t: unknown): asserts t is number {
  if (typeof t !== 'number' || !Number.isFinite(t) || t < MIN_TEMPERATURE) {
    throw new Error(
      `${fn}: opts.temperature must be a finite number >= 1e-6, got ${describeValue(t)}`,
    );
  }
}

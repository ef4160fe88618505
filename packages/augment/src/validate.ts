import * as tf from '@tensorflow/tfjs-core';
import type { Augmentation, Range } from './types';

/** Float rounding allowed outside [0, 1] (a bilinear resize of 1s may give 1 + 1 ulp). */
export const PIXEL_TOLERANCE = 1e-6;

/** Tensors known to hold finite pixels in [0, 1]: checked inputs and the outputs of the built-in ops. */
const inRange = new WeakSet<tf.Tensor>();

/** Marks `out` (an op's output, which clips to [0, 1]) as in range, so that the next op skips its check. */
export function markInRange<T extends tf.Tensor | tf.Tensor[]>(out: T): T {
  for (const t of Array.isArray(out) ? out : [out]) {
    // a Variable can be assigned later: never trusted
    if (!(t instanceof tf.Variable)) inRange.add(t);
  }
  return out;
}

/** Wraps a built-in op so that its output is marked in range (see {@link markInRange}). */
export function pixelOp(op: Augmentation): Augmentation {
  return (images, rng) => markInRange(op(images, rng));
}

/**
 * Refuses pixels outside [0, 1] and non-finite ones: one fused reduction
 * (`min`, `max`, `sum(x * 0)` — NaN exactly when some pixel is NaN or
 * ±Infinity) read back once; values within {@link PIXEL_TOLERANCE} of the
 * interval pass (the ops clip their outputs to [0, 1] exactly). Skipped for tensors already known to be in range
 * (the outputs of the built-in ops, inputs already checked), so a composed
 * pipeline checks its input once. Not on WebGPU (no synchronous reads there).
 */
function assertPixels(fn: string, images: tf.Tensor4D): void {
  if (inRange.has(images)) return;
  // WebGPU has no synchronous read-back of GPU values (a sync read can lose the
  // device): there the range check is skipped, documented in the README.
  if (tf.getBackend() === 'webgpu') return;
  const stats = tf.tidy(() =>
    tf.stack([tf.min(images), tf.max(images), tf.sum(tf.mul(images, 0))]),
  );
  const [lo, hi, nan] = stats.dataSync();
  stats.dispose();
  if (!Number.isFinite(nan)) {
    throw new Error(`${fn}: images must hold finite pixel values in [0, 1], got NaN or ±Infinity`);
  }
  if (lo < -PIXEL_TOLERANCE || hi > 1 + PIXEL_TOLERANCE) {
    throw new Error(`${fn}: images must hold pixel values in [0, 1], got min ${lo}, max ${hi}`);
  }
  markInRange(images);
}

/**
 * Checks that `images` is a float32 4-D tensor `[N, H, W, C]` with C = 1 or 3,
 * N, H, W >= 1 and finite pixels in [0, 1] (see `assertPixels`); throws an
 * Error naming `fn` otherwise.
 */
export function assertImages(fn: string, images: unknown): asserts images is tf.Tensor4D {
  const expected = 'a float32 4-D tensor [N, H, W, C] with C = 1 or 3';
  if (!(images instanceof tf.Tensor)) {
    throw new Error(`${fn}: images must be ${expected}, got ${describe(images)}`);
  }
  if (images.isDisposed) {
    throw new Error(`${fn}: images must be ${expected}, got a disposed tensor`);
  }
  const { shape, dtype } = images;
  if (shape.length !== 4 || (shape[3] !== 1 && shape[3] !== 3) || dtype !== 'float32') {
    throw new Error(`${fn}: images must be ${expected}, got shape [${shape}] dtype ${dtype}`);
  }
  if (shape[0] < 1 || shape[1] < 1 || shape[2] < 1) {
    throw new Error(`${fn}: images must have N, H, W >= 1, got shape [${shape}]`);
  }
  assertPixels(fn, images as tf.Tensor4D);
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  return typeof x;
}

/** A probability in [0, 1]. */
export function checkProbability(fn: string, name: string, p: unknown): number {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
    throw new Error(`${fn}: ${name} must be a probability in [0, 1], got ${String(p)}`);
  }
  return p;
}

/** A finite number within [min, max]. */
export function checkNumber(
  fn: string,
  name: string,
  x: unknown,
  min = -Infinity,
  max = Infinity,
): number {
  if (typeof x !== 'number' || !Number.isFinite(x) || x < min || x > max) {
    throw new Error(`${fn}: ${name} must be a finite number in [${min}, ${max}], got ${String(x)}`);
  }
  return x;
}

/** A pair `[lo, hi]` of finite numbers with min <= lo <= hi <= max. */
export function checkRange(
  fn: string,
  name: string,
  r: unknown,
  min = -Infinity,
  max = Infinity,
): Range {
  const ok =
    Array.isArray(r) &&
    r.length === 2 &&
    r.every((v) => typeof v === 'number' && Number.isFinite(v)) &&
    r[0] <= r[1] &&
    r[0] >= min &&
    r[1] <= max;
  if (!ok) {
    throw new Error(
      `${fn}: ${name} must be [lo, hi] with ${min} <= lo <= hi <= ${max}, got ${JSON.stringify(r)}`,
    );
  }
  return [r[0], r[1]];
}

/**
 * A symmetric amount `a` becomes `[center - a, center + a]` (clipped below at
 * `min`); a pair is checked and kept. This is torchvision's convention for
 * ColorJitter and RandomAffine ranges.
 */
export function symmetricRange(
  fn: string,
  name: string,
  v: unknown,
  center: number,
  min = -Infinity,
  max = Infinity,
): Range {
  if (typeof v === 'number') {
    checkNumber(fn, name, v, 0, max - center);
    const r: Range = [Math.max(min, center - v), center + v];
    return checkRange(fn, name, r, min, max);
  }
  return checkRange(fn, name, v, min, max);
}

/** A positive integer. */
export function checkInt(fn: string, name: string, x: unknown, min = 1): number {
  if (typeof x !== 'number' || !Number.isInteger(x) || x < min) {
    throw new Error(`${fn}: ${name} must be an integer >= ${min}, got ${String(x)}`);
  }
  return x;
}

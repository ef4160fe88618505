import * as tf from '@tensorflow/tfjs-core';
import { resolveRng, type Rng } from './rng';
import type { Augmentation } from './types';
import { assertImages, checkProbability } from './validate';

/**
 * Applies `op` to each image independently with probability `p`.
 *
 * One uniform draw per image decides; `op` then runs once, batched, on the
 * whole batch and each image of the result is taken from the op's output or
 * from the input by a per-image mask (`tf.where`, exact). `p = 0` returns an
 * exact copy of the input and `p = 1` returns exactly `op(images, rng)` (no
 * draws are made in either case). `op` must keep the image shape.
 *
 * @example
 * ```ts
 * const maybeBlur = randomApply(gaussianBlur({ p: 1 }), 0.5);
 * const out = maybeBlur(images, 7);
 * ```
 */
export function randomApply(op: Augmentation, p: number): Augmentation {
  if (typeof op !== 'function') {
    throw new Error(`randomApply: op must be an Augmentation function, got ${typeof op}`);
  }
  checkProbability('randomApply', 'p', p);
  return (images, rng) => {
    assertImages('randomApply', images);
    return applyWithProbability('randomApply', images, resolveRng(rng, 'randomApply'), p, op);
  };
}

/**
 * The per-image selection behind `randomApply` and every op's `p` option
 * (`fn` names the caller in errors). Selection draws come first, then the
 * op's own draws.
 */
export function applyWithProbability(
  fn: string,
  images: tf.Tensor4D,
  rng: Rng,
  p: number,
  op: (images: tf.Tensor4D, rng: Rng) => tf.Tensor4D,
): tf.Tensor4D {
  if (p <= 0) return tf.clone(images);
  if (p >= 1) return op(images, rng);
  const n = images.shape[0];
  const selected: boolean[] = [];
  for (let i = 0; i < n; i++) selected.push(rng.next() < p);
  if (!selected.includes(true)) return tf.clone(images);
  if (!selected.includes(false)) return op(images, rng);
  return tf.tidy(() => {
    const out = op(images, rng);
    if (!tf.util.arraysEqual(out.shape, images.shape)) {
      throw new Error(
        `${fn}: the applied op must keep the image shape [${images.shape}], got [${out.shape}]`,
      );
    }
    return selectImages(selected, out, images);
  });
}

/**
 * Image i from `a` where `mask[i]`, else from `b` (same shapes). The mask is
 * expanded to full size in JavaScript so the select needs no broadcasting,
 * which is slow on the cpu and wasm backends.
 */
export function selectImages(
  mask: readonly boolean[],
  a: tf.Tensor4D,
  b: tf.Tensor4D,
): tf.Tensor4D {
  const per = a.size / a.shape[0];
  const full = new Uint8Array(a.size);
  mask.forEach((m, i) => m && full.fill(1, i * per, (i + 1) * per));
  return tf.tidy(() => tf.where(tf.tensor(full, a.shape, 'bool'), a, b) as tf.Tensor4D);
}

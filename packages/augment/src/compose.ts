import * as tf from '@tensorflow/tfjs-core';
import { resolveRng } from './rng';
import type { Augmentation } from './types';
import { assertImages } from './validate';

/**
 * Chains augmentations: `compose([a, b])(x, rng)` is `b(a(x, rng), rng)`, all
 * drawing in order from one stream (a seed starts it). Intermediate batches are
 * freed; an empty list returns a copy of the input.
 *
 * @example
 * ```ts
 * const pipeline = compose([randomResizedCrop(), horizontalFlip(), colorJitter()]);
 * const view = pipeline(images, 42);
 * ```
 */
export function compose(ops: readonly Augmentation[]): Augmentation {
  if (!Array.isArray(ops) || ops.some((op) => typeof op !== 'function')) {
    throw new Error('compose: ops must be an array of Augmentation functions');
  }
  const list = ops.slice();
  return (images, rng) => {
    assertImages('compose', images);
    const r = resolveRng(rng, 'compose');
    return tf.tidy(() => list.reduce((x, op) => op(x, r), tf.clone(images)));
  };
}

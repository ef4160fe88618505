import * as tf from '@tensorflow/tfjs-core';
import { grayscaleWhere } from './color';
import { resolveRng } from './rng';
import type { Augmentation } from './types';
import { assertImages, checkProbability, pixelOp } from './validate';

/** Options of {@link randomGrayscale}. */
export interface RandomGrayscaleOptions {
  /** Probability that an image is turned gray. Default 0.2 (SimCLR). */
  p?: number;
}

/**
 * Turns each image into its luma `0.2989 R + 0.587 G + 0.114 B` (torchvision's
 * weights) with probability `p`, keeping 3 channels (the gray value repeated),
 * as one batched per-image 3×3 color-matrix product.
 * A 1-channel batch is already gray: returned unchanged (copied).
 * Defaults: p 0.2 (SimCLR, Chen et al. 2020).
 *
 * @example
 * ```ts
 * const out = randomGrayscale({ p: 0.2 })(images, 3);
 * ```
 */
export function randomGrayscale(options: RandomGrayscaleOptions = {}): Augmentation {
  const fn = 'randomGrayscale';
  const { p = 0.2 } = options;
  checkProbability(fn, 'p', p);
  return pixelOp((images, rng) => {
    assertImages(fn, images);
    const r = resolveRng(rng, fn);
    if (images.shape[3] === 1) return tf.clone(images);
    if (p <= 0) return tf.clone(images);
    // One draw per image (none at p = 1), then one per-image color matrix:
    // the gray projection or the identity.
    const gray = Array.from({ length: images.shape[0] }, () => p >= 1 || r.next() < p);
    return grayscaleWhere(images, gray);
  });
}

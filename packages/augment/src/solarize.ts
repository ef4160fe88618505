import * as tf from '@tensorflow/tfjs-core';
import { applyWithProbability } from './random-apply';
import { resolveRng } from './rng';
import type { Augmentation } from './types';
import { assertImages, checkNumber, checkProbability, pixelOp } from './validate';

/** Options of {@link solarize}. */
export interface SolarizeOptions {
  /** Pixels `>= threshold` are inverted to `1 - x`. Default 0.5. */
  threshold?: number;
  /**
   * Probability that an image is solarized. Default 0: off unless asked for
   * (BYOL, Grill et al. 2020, uses p = 0.2 on its second view only).
   */
  p?: number;
}

/**
 * Solarization: `x >= threshold ? 1 - x : x` per pixel, applied to each image
 * with probability `p` (torchvision's `RandomSolarize`). Defaults: threshold
 * 0.5, p 0.
 *
 * @example
 * ```ts
 * const out = solarize({ p: 0.2 })(images, 5);
 * ```
 */
export function solarize(options: SolarizeOptions = {}): Augmentation {
  const fn = 'solarize';
  const { threshold = 0.5, p = 0 } = options;
  checkNumber(fn, 'threshold', threshold);
  checkProbability(fn, 'p', p);
  return pixelOp((images, rng) => {
    assertImages(fn, images);
    return applyWithProbability(fn, images, resolveRng(rng, fn), p, (x) =>
      tf.tidy(() => tf.where(tf.greaterEqual(x, threshold), tf.sub(1, x), x) as tf.Tensor4D),
    );
  });
}

import * as tf from '@tensorflow/tfjs-core';
import { applyWithProbability } from './random-apply';
import { resolveRng } from './rng';
import type { Augmentation } from './types';
import { assertImages, checkProbability, pixelOp } from './validate';

/** Options of {@link horizontalFlip}. */
export interface HorizontalFlipOptions {
  /** Probability that an image is mirrored left-right. Default 0.5. */
  p?: number;
}

/**
 * Mirrors each image left-right with probability `p` (default 0.5, as in
 * SimCLR). Not for digits: a mirrored 2 is not a 2.
 *
 * @example
 * ```ts
 * const out = horizontalFlip()(images, 0);
 * ```
 */
export function horizontalFlip(options: HorizontalFlipOptions = {}): Augmentation {
  const fn = 'horizontalFlip';
  const { p = 0.5 } = options;
  checkProbability(fn, 'p', p);
  return pixelOp((images, rng) => {
    assertImages(fn, images);
    return applyWithProbability(fn, images, resolveRng(rng, fn), p, (x) =>
      tf.image.flipLeftRight(x),
    );
  });
}

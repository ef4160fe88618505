import type { Augmentation } from '@ssl/augment';
import { multiView, simclrAugment } from '@ssl/augment';
import type * as tf from '@tensorflow/tfjs-core';

/**
 * The default augmentation for images of `inputShape` `[H, W, C]`:
 * `simclrAugment({ preset: 'digits' })` for small grayscale images
 * (H, W <= 32 and C = 1, e.g. MNIST), else `simclrAugment({ preset: 'simclr' })`.
 */
export function defaultAugment(inputShape: number[]): Augmentation {
  const [h, w, c] = inputShape;
  const digits = inputShape.length === 3 && h <= 32 && w <= 32 && c === 1;
  return simclrAugment({ preset: digits ? 'digits' : 'simclr' });
}

/** Two views of a batch: the method's `augment` or the default one for the image size. */
export function twoViews(
  fn: string,
  augment: Augmentation | undefined,
  inputShape: number[],
): (images: tf.Tensor4D, rng: Parameters<Augmentation>[1]) => tf.Tensor4D[] {
  if (inputShape.length !== 3) {
    throw new Error(
      `${fn}: data must be images [N, H, W, C], got examples of shape [${inputShape}]`,
    );
  }
  return multiView(augment ?? defaultAugment(inputShape), 2);
}

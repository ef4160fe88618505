import * as tf from '@tensorflow/tfjs-core';
import { applyWithProbability } from './random-apply';
import { resolveRng } from './rng';
import type { Augmentation, Range } from './types';
import { assertImages, checkNumber, checkProbability, checkRange, pixelOp } from './validate';

/** Options of {@link cutout}. */
export interface CutoutOptions {
  /**
   * Side of the square as a fraction of `min(H, W)`: a number, or `[lo, hi]`
   * for a per-image side uniform in it (FixMatch's strong view: `[0, 0.5]`).
   * Default 0.5.
   */
  size?: number | Range;
  /** Value the square is filled with, in [0, 1]. Default 0.5 (gray, as FixMatch's CutoutAbs). */
  fill?: number;
  /** Probability that an image gets a square. Default 1. */
  p?: number;
}

/**
 * Cutout (DeVries & Taylor 2017, "Improved Regularization of Convolutional
 * Neural Networks with Cutout"): each image gets one square of side
 * `round(size · min(H, W))` pixels filled with `fill`, centred on a pixel
 * drawn uniformly over the image and clipped at the borders (so near an edge
 * less of it shows), all channels alike. FixMatch's strong view ends with it.
 * Defaults: size 0.5, fill 0.5, p 1.
 *
 * @example
 * ```ts
 * const out = cutout({ size: [0, 0.5] })(images, 3);
 * ```
 */
export function cutout(options: CutoutOptions = {}): Augmentation {
  const fn = 'cutout';
  const { size = 0.5, fill = 0.5, p = 1 } = options;
  const sizeRange: Range =
    typeof size === 'number'
      ? [checkNumber(fn, 'size', size, 0, 1), size]
      : checkRange(fn, 'size', size, 0, 1);
  checkNumber(fn, 'fill', fill, 0, 1);
  checkProbability(fn, 'p', p);
  return pixelOp((images, rng) => {
    assertImages(fn, images);
    return applyWithProbability(fn, images, resolveRng(rng, fn), p, (x, r) => {
      const [n, h, w, c] = x.shape;
      // 1 = keep, 0 = inside the square; full size (no broadcasting on cpu / wasm)
      const keep = new Float32Array(n * h * w * c).fill(1);
      for (let i = 0; i < n; i++) {
        const side = Math.round(r.uniform(...sizeRange) * Math.min(h, w));
        const cy = Math.floor(r.next() * h);
        const cx = Math.floor(r.next() * w);
        const top = cy - Math.floor(side / 2);
        const left = cx - Math.floor(side / 2);
        for (let y = Math.max(0, top); y < Math.min(h, top + side); y++) {
          for (let xx = Math.max(0, left); xx < Math.min(w, left + side); xx++) {
            keep.fill(0, ((i * h + y) * w + xx) * c, ((i * h + y) * w + xx + 1) * c);
          }
        }
      }
      return tf.tidy(() => {
        const m = tf.tensor4d(keep, x.shape);
        // x · m + fill · (1 − m)
        return tf.add(tf.mul(x, m), tf.mul(tf.sub(1, m), fill)) as tf.Tensor4D;
      });
    });
  });
}

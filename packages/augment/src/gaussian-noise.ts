import * as tf from '@tensorflow/tfjs-core';
import { perImage } from './color';
import { applyWithProbability } from './random-apply';
import { resolveRng, type Rng } from './rng';
import type { Augmentation, Range } from './types';
import { assertImages, checkProbability, checkRange, checkNumber, pixelOp } from './validate';

/** Options of {@link gaussianNoise}. */
export interface GaussianNoiseOptions {
  /** Noise standard deviation: a number, or `[lo, hi]` for a per-image std uniform in it. Default 0.05. */
  std?: number | Range;
  /** Probability that an image gets noise. Default 1. */
  p?: number;
}

/**
 * Adds i.i.d. normal noise `N(0, std^2)` to every pixel, then clips to [0, 1].
 * The noise is drawn from the rng in JavaScript (Box-Muller), so it is the same
 * on every backend; this costs about N·H·W·C uniform draws per call.
 * Defaults: std 0.05, p 1.
 *
 * @example
 * ```ts
 * const out = gaussianNoise({ std: [0, 0.1] })(images, 2);
 * ```
 */
export function gaussianNoise(options: GaussianNoiseOptions = {}): Augmentation {
  const fn = 'gaussianNoise';
  const { std = 0.05, p = 1 } = options;
  const stdRange: Range =
    typeof std === 'number' ? [checkNumber(fn, 'std', std, 0), std] : checkRange(fn, 'std', std, 0);
  checkProbability(fn, 'p', p);
  return pixelOp((images, rng) => {
    assertImages(fn, images);
    return applyWithProbability(fn, images, resolveRng(rng, fn), p, (x, r) => {
      const n = x.shape[0];
      const stds = Array.from({ length: n }, () => r.uniform(...stdRange));
      const noise = standardNormals(r, x.size);
      return tf.tidy(() => {
        const z = tf.tensor4d(noise, x.shape);
        return tf.clipByValue(tf.add(x, tf.mul(z, perImage(stds))), 0, 1) as tf.Tensor4D;
      });
    });
  });
}

/** `count` standard normals, two per pair of uniforms (Box-Muller). */
function standardNormals(rng: Rng, count: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(1 - rng.next()));
    const angle = 2 * Math.PI * rng.next();
    out[i] = radius * Math.cos(angle);
    if (i + 1 < count) out[i + 1] = radius * Math.sin(angle);
  }
  return out;
}

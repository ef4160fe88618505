import * as tf from '@tensorflow/tfjs-core';
import { applyWithProbability } from './random-apply';
import { resolveRng } from './rng';
import type { Augmentation, Range } from './types';
import { assertImages, checkProbability, checkRange, pixelOp } from './validate';

/** Options of {@link gaussianBlur}. */
export interface GaussianBlurOptions {
  /** Interval of the per-image standard deviation, in pixels. Default [0.1, 2] (SimCLR). */
  sigma?: Range;
  /**
   * Odd kernel size in pixels. Default: 10% of min(H, W), rounded, made odd,
   * at least 3 (SimCLR: 23 for 224×224; 3 for 28×28 and 32×32).
   */
  kernelSize?: number;
  /** Probability that an image is blurred. Default 0.5 (SimCLR). */
  p?: number;
}

/** The default kernel size for an H×W image: round(0.1 min(H, W)), odd, >= 3. */
export function defaultKernelSize(height: number, width: number): number {
  const k = Math.round(0.1 * Math.min(height, width));
  return Math.max(3, k % 2 === 0 ? k + 1 : k);
}

/** The normalized 1-D Gaussian `exp(-x^2 / 2 sigma^2)` at x = -(k-1)/2 .. (k-1)/2. */
export function gaussianKernel1d(size: number, sigma: number): Float32Array {
  const half = (size - 1) / 2;
  const w = new Float64Array(size);
  let sum = 0;
  for (let j = 0; j < size; j++) {
    const x = j - half;
    w[j] = Math.exp((-0.5 * x * x) / (sigma * sigma));
    sum += w[j];
  }
  return Float32Array.from(w, (v) => v / sum);
}

/**
 * Gaussian blur with a per-image sigma drawn uniformly from `sigma`, applied
 * to each image with probability `p` (SimCLR, Chen et al. 2020, appendix A;
 * torchvision's `GaussianBlur`), reflect padding at the borders.
 *
 * Implementation: exact per-image kernels in one pass per axis. The batch is
 * folded into the channel axis (`[N, H, W, C] -> [1, H, W, N·C]`) and a
 * separable depthwise convolution applies channel n·C + c's own 1-D kernel
 * (that of image n), first along W then along H. Cost is O(N·H·W·C·k), no
 * per-image loop and no sigma bucketing.
 *
 * Defaults: sigma [0.1, 2], kernelSize 10% of the image side (odd, >= 3), p 0.5.
 *
 * @example
 * ```ts
 * const out = gaussianBlur({ p: 1 })(images, 9);
 * ```
 */
export function gaussianBlur(options: GaussianBlurOptions = {}): Augmentation {
  const fn = 'gaussianBlur';
  const { sigma = [0.1, 2], kernelSize, p = 0.5 } = options;
  const sigmaRange = checkRange(fn, 'sigma', sigma, 0);
  if (sigmaRange[0] <= 0) throw new Error(`${fn}: sigma must be > 0, got ${JSON.stringify(sigma)}`);
  if (
    kernelSize !== undefined &&
    !(Number.isInteger(kernelSize) && kernelSize >= 1 && kernelSize % 2 === 1)
  ) {
    throw new Error(`${fn}: kernelSize must be an odd positive integer, got ${kernelSize}`);
  }
  checkProbability(fn, 'p', p);
  return pixelOp((images, rng) => {
    assertImages(fn, images);
    const [, h, w] = images.shape;
    const k = kernelSize ?? defaultKernelSize(h, w);
    if ((k - 1) / 2 > Math.min(h, w) - 1) {
      throw new Error(
        `${fn}: kernelSize ${k} needs images of at least ${(k + 1) / 2} pixels a side, got ${h}×${w}`,
      );
    }
    return applyWithProbability(fn, images, resolveRng(rng, fn), p, (x, r) => {
      const sigmas = Array.from({ length: x.shape[0] }, () => r.uniform(...sigmaRange));
      return blurPerImage(x, sigmas, k);
    });
  });
}

/** Blurs image n with a Gaussian of std `sigmas[n]` and size k (odd), reflect padding. */
export function blurPerImage(
  images: tf.Tensor4D,
  sigmas: readonly number[],
  k: number,
): tf.Tensor4D {
  const [n, h, w, c] = images.shape;
  if (k === 1) return tf.clone(images);
  const nc = n * c;
  // filter[j][0][n*C + c][0] = kernel_n[j] (and the transposed shape for H).
  const taps = new Float32Array(k * nc);
  for (let i = 0; i < n; i++) {
    const kernel = gaussianKernel1d(k, sigmas[i]);
    for (let j = 0; j < k; j++) taps.fill(kernel[j], j * nc + i * c, j * nc + (i + 1) * c);
  }
  const r = (k - 1) / 2;
  return tf.tidy(() => {
    // [N, H, W, C] -> [H, W, N, C] -> [1, H, W, N·C]
    const folded = tf.reshape(tf.transpose(images, [1, 2, 0, 3]), [1, h, w, nc]) as tf.Tensor4D;
    const padded = tf.mirrorPad(
      folded,
      [
        [0, 0],
        [r, r],
        [r, r],
        [0, 0],
      ],
      'reflect',
    );
    const alongW = tf.depthwiseConv2d(padded, tf.tensor4d(taps, [1, k, nc, 1]), 1, 'valid');
    const blurred = tf.depthwiseConv2d(alongW, tf.tensor4d(taps, [k, 1, nc, 1]), 1, 'valid');
    // [1, H, W, N·C] -> [H, W, N, C] -> [N, H, W, C]
    const back = tf.transpose(tf.reshape(blurred, [h, w, n, c]), [2, 0, 1, 3]);
    return tf.clipByValue(back, 0, 1) as tf.Tensor4D;
  });
}

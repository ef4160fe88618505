import * as tf from '@tensorflow/tfjs-core';
import {
  adjustBrightness,
  adjustContrast,
  adjustHue,
  adjustHueHsv,
  adjustSaturation,
} from './color';
import { applyWithProbability } from './random-apply';
import { resolveRng, type Rng } from './rng';
import type { Augmentation, Range } from './types';
import { assertImages, checkProbability, symmetricRange, pixelOp } from './validate';

/**
 * Options of {@link colorJitter}. A number `a` means the factor is drawn
 * uniformly from `[max(0, 1 - a), 1 + a]` (hue: the shift from `[-a, a]`), a
 * pair `[lo, hi]` gives the interval directly; 0 turns that adjustment off.
 */
export interface ColorJitterOptions {
  /** Brightness: `x * f`. Default 0.4 (SimCLR's strength-1 value is 0.8). */
  brightness?: number | Range;
  /** Contrast: blend with the image's mean luma, `f x + (1 - f) mean`. Default 0.4 (SimCLR: 0.8). */
  contrast?: number | Range;
  /** Saturation: blend with the luma image. No-op on 1 channel. Default 0.4 (SimCLR: 0.8). */
  saturation?: number | Range;
  /** Hue shift in turns, at most 0.5. No-op on 1 channel. Default 0.1 (SimCLR: 0.2). */
  hue?: number | Range;
  /**
   * How hue is shifted. 'yiq' (default): a rotation of the YIQ chroma plane,
   * one 3×3 color matrix per image (fast; keeps luma; approximates the HSV
   * shift). 'hsv': torchvision's exact RGB -> HSV -> RGB shift (~40 tensor ops).
   */
  hueSpace?: 'yiq' | 'hsv';
  /** Probability that an image is jittered at all. Default 0.8. */
  p?: number;
  /**
   * When true, the order of the four adjustments is shuffled once per call
   * (per batch, not per image as torchvision's single-image transform does).
   * Default false: brightness, contrast, saturation, hue.
   */
  randomOrder?: boolean;
}

type Adjust = (images: tf.Tensor4D, factors: ArrayLike<number>) => tf.Tensor4D;

/**
 * Random per-image brightness, contrast, saturation and hue (torchvision's
 * `ColorJitter`; SimCLR, Chen et al. 2020, appendix A: strength s gives
 * (0.8s, 0.8s, 0.8s, 0.2s), applied with p = 0.8). Each adjustment clips to
 * [0, 1], as torchvision does. Brightness, contrast and saturation follow
 * torchvision's definitions exactly; hue is by default a YIQ chroma rotation
 * (`hueSpace: 'hsv'` for torchvision's exact HSV shift). Defaults: brightness
 * 0.4, contrast 0.4, saturation 0.4, hue 0.1 (YIQ), p 0.8, fixed order.
 *
 * @example
 * ```ts
 * const jitter = colorJitter({ brightness: 0.8, contrast: 0.8, saturation: 0.8, hue: 0.2 });
 * const out = jitter(images, 1);
 * ```
 */
export function colorJitter(options: ColorJitterOptions = {}): Augmentation {
  const fn = 'colorJitter';
  const {
    brightness = 0.4,
    contrast = 0.4,
    saturation = 0.4,
    hue = 0.1,
    p = 0.8,
    randomOrder = false,
    hueSpace = 'yiq',
  } = options;
  if (hueSpace !== 'yiq' && hueSpace !== 'hsv') {
    throw new Error(`${fn}: hueSpace must be 'yiq' or 'hsv', got ${String(hueSpace)}`);
  }
  const ranges: [Range | null, Adjust][] = [
    [activeRange(brightness, symmetricRange(fn, 'brightness', brightness, 1, 0)), adjustBrightness],
    [activeRange(contrast, symmetricRange(fn, 'contrast', contrast, 1, 0)), adjustContrast],
    [activeRange(saturation, symmetricRange(fn, 'saturation', saturation, 1, 0)), adjustSaturation],
    [
      activeRange(hue, symmetricRange(fn, 'hue', hue, 0, -0.5, 0.5)),
      hueSpace === 'hsv' ? adjustHueHsv : adjustHue,
    ],
  ];
  checkProbability(fn, 'p', p);
  return pixelOp((images, rng) => {
    assertImages(fn, images);
    return applyWithProbability(fn, images, resolveRng(rng, fn), p, (x, r) =>
      jitterAll(x, r, ranges, randomOrder),
    );
  });
}

/** null when the option is the number 0 (adjustment off). */
function activeRange(option: number | Range, range: Range): Range | null {
  return option === 0 ? null : range;
}

function jitterAll(
  images: tf.Tensor4D,
  rng: Rng,
  ranges: [Range | null, Adjust][],
  randomOrder: boolean,
): tf.Tensor4D {
  const n = images.shape[0];
  const rgb = images.shape[3] === 3;
  // Saturation and hue do nothing to one channel: skip them (and their draws).
  const active = ranges.filter(([r], k) => r !== null && (rgb || k < 2));
  // Per-image factors, drawn image by image: factors[a][i] for adjustment a.
  const factors = active.map(() => new Float32Array(n));
  for (let i = 0; i < n; i++) {
    active.forEach(([r], a) => (factors[a][i] = rng.uniform(r![0], r![1])));
  }
  const order = active.map((_, a) => a);
  if (randomOrder) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
  }
  return tf.tidy(() =>
    order.reduce((x, a) => active[a][1](x, factors[a]), tf.clone(images) as tf.Tensor4D),
  );
}

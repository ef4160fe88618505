import * as tf from '@tensorflow/tfjs-core';
import { applyWithProbability } from './random-apply';
import { resolveRng } from './rng';
import type { Augmentation, Range } from './types';
import { assertImages, checkProbability, checkRange, symmetricRange, pixelOp } from './validate';
import { warpAffine, type InverseAffine } from './warp';

/** Options of {@link randomAffine}. Every default is the identity. */
export interface RandomAffineOptions {
  /** Rotation in degrees, counter-clockwise: `d` means uniform in [-d, d]. Default 0. */
  degrees?: number | Range;
  /**
   * Largest translation as a fraction of `[width, height]`: the shift is
   * uniform in [-fx·W, fx·W] × [-fy·H, fy·H], rounded to whole pixels
   * (torchvision). Default [0, 0].
   */
  translate?: readonly [number, number];
  /** Interval of the zoom factor. Default [1, 1]. */
  scale?: Range;
  /** Shear along x in degrees: `s` means uniform in [-s, s]. Default 0. */
  shear?: number | Range;
  /** Probability that an image is transformed. Default 1. */
  p?: number;
}

/** One image's affine parameters. */
export interface AffineParams {
  /** Degrees, counter-clockwise. */
  angle: number;
  /** Pixels, right. */
  tx: number;
  /** Pixels, down. */
  ty: number;
  scale: number;
  /** Degrees of x-shear. */
  shear: number;
}

/**
 * The inverse map (output pixel -> input pixel) of the forward transform
 * `p' = R(angle) Sh(shear) S(scale) (p - c) + c + t` about the image center
 * c = ((W-1)/2, (H-1)/2), in pixel coordinates with y pointing down.
 */
export function inverseAffine(params: AffineParams, height: number, width: number): InverseAffine {
  const rad = (params.angle * Math.PI) / 180;
  const cos = Math.cos(rad);
  const sin = Math.sin(rad);
  const t = Math.tan((params.shear * Math.PI) / 180);
  const s = params.scale;
  // A = R · Sh · S with R = [[cos, sin], [-sin, cos]] (counter-clockwise on screen)
  // and Sh = [[1, tan], [0, 1]].
  const a = s * cos;
  const b = s * (cos * t + sin);
  const c = -s * sin;
  const d = s * (-sin * t + cos);
  const det = a * d - b * c;
  const [i00, i01, i10, i11] = [d / det, -b / det, -c / det, a / det];
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  const ox = cx + params.tx;
  const oy = cy + params.ty;
  return [i00, i01, cx - i00 * ox - i01 * oy, i10, i11, cy - i10 * ox - i11 * oy];
}

/**
 * Random rotation, translation, zoom and shear per image (torchvision's
 * `RandomAffine`), bilinear, filled with 0 (black) outside the image. Meant
 * for digits, where small rotations and shifts are label-preserving.
 * Defaults: degrees 0, translate [0, 0], scale [1, 1], shear 0, p 1 (the
 * identity: pass what you want, e.g. `{ degrees: 15, translate: [0.1, 0.1] }`).
 *
 * @example
 * ```ts
 * const affine = randomAffine({ degrees: 15, translate: [0.1, 0.1] });
 * const out = affine(digits, 3);
 * ```
 */
export function randomAffine(options: RandomAffineOptions = {}): Augmentation {
  const fn = 'randomAffine';
  const { degrees = 0, translate = [0, 0], scale = [1, 1], shear = 0, p = 1 } = options;
  const degreeRange = symmetricRange(fn, 'degrees', degrees, 0, -360, 360);
  const ok =
    Array.isArray(translate) &&
    translate.length === 2 &&
    translate.every((v) => typeof v === 'number' && v >= 0 && v <= 1);
  if (!ok) {
    throw new Error(
      `${fn}: translate must be [fx, fy] in [0, 1], got ${JSON.stringify(translate)}`,
    );
  }
  const scaleRange = checkRange(fn, 'scale', scale, 0);
  if (scaleRange[0] <= 0) throw new Error(`${fn}: scale must be > 0, got ${JSON.stringify(scale)}`);
  const shearRange = symmetricRange(fn, 'shear', shear, 0, -89, 89);
  checkProbability(fn, 'p', p);
  return pixelOp((images, rng) => {
    assertImages(fn, images);
    const [, h, w] = images.shape;
    return applyWithProbability(fn, images, resolveRng(rng, fn), p, (x, r) => {
      const maps = Array.from({ length: x.shape[0] }, () => {
        const angle = r.uniform(...degreeRange);
        const tx = Math.round(r.uniform(-translate[0] * w, translate[0] * w));
        const ty = Math.round(r.uniform(-translate[1] * h, translate[1] * h));
        const zoom = r.uniform(...scaleRange);
        const sh = r.uniform(...shearRange);
        return inverseAffine({ angle, tx, ty, scale: zoom, shear: sh }, h, w);
      });
      return tf.tidy(() => warpAffine(x, maps));
    });
  });
}

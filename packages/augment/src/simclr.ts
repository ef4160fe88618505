import { colorJitter, type ColorJitterOptions } from './color-jitter';
import { compose } from './compose';
import { gaussianBlur, type GaussianBlurOptions } from './gaussian-blur';
import { gaussianNoise, type GaussianNoiseOptions } from './gaussian-noise';
import { horizontalFlip, type HorizontalFlipOptions } from './horizontal-flip';
import { randomAffine, type RandomAffineOptions } from './random-affine';
import { randomGrayscale, type RandomGrayscaleOptions } from './random-grayscale';
import { randomResizedCrop, type RandomResizedCropOptions } from './random-resized-crop';
import { solarize, type SolarizeOptions } from './solarize';
import { resolveRng } from './rng';
import type { Augmentation } from './types';
import { assertImages, checkNumber } from './validate';

/** The two starting points of {@link simclrAugment}. */
export type AugmentPreset = 'simclr' | 'digits';

/**
 * Options of {@link simclrAugment}. Every piece takes the op's own options
 * (merged over the preset's values, so `{ blur: { p: 1 } }` keeps the preset's
 * sigma) or `false` to leave it out. A piece the preset leaves out starts
 * from the op's own defaults when given.
 *
 * Preset `'simclr'` (Chen et al. 2020, appendix A), in pipeline order:
 * - crop: randomResizedCrop scale [0.08, 1], ratio [3/4, 4/3], size = input size
 * - affine: off
 * - flip: horizontalFlip p 0.5
 * - colorJitter: brightness 0.8s, contrast 0.8s, saturation 0.8s, hue 0.2s, p 0.8
 * - grayscale: randomGrayscale p 0.2
 * - blur: gaussianBlur sigma [0.1, 2], kernel 10% of the side, p 0.5
 * - solarize, noise: off
 *
 * Preset `'digits'` (28×28 MNIST-like; blur, flips and tiny crops hurt there):
 * - crop: randomResizedCrop scale [0.6, 1], ratio [0.75, 1.33] (0.6 rather than 0.4:
 *   a better linear probe after SimCLR on MNIST and on Fashion-MNIST, issues 12 and 20)
 * - affine: randomAffine degrees 15, translate [0.1, 0.1]
 * - flip: off
 * - colorJitter: brightness 0.4s, contrast 0.4s, saturation 0, hue 0, p 0.8
 * - grayscale, blur, solarize, noise: off
 */
export interface SimclrAugmentOptions {
  /** Which defaults to start from. Default 'simclr'. */
  preset?: AugmentPreset;
  /** Color-jitter strength s that scales the preset's jitter amounts. Default 1. */
  strength?: number;
  crop?: RandomResizedCropOptions | false;
  affine?: RandomAffineOptions | false;
  flip?: HorizontalFlipOptions | false;
  colorJitter?: ColorJitterOptions | false;
  grayscale?: RandomGrayscaleOptions | false;
  blur?: GaussianBlurOptions | false;
  solarize?: SolarizeOptions | false;
  noise?: GaussianNoiseOptions | false;
}

type Pieces = Required<Omit<SimclrAugmentOptions, 'preset' | 'strength'>>;

/** The preset's options for each piece (false: left out). */
export function presetOptions(preset: AugmentPreset, strength = 1): Pieces {
  const s = strength;
  if (preset === 'simclr') {
    return {
      crop: { scale: [0.08, 1], ratio: [3 / 4, 4 / 3] },
      affine: false,
      flip: { p: 0.5 },
      colorJitter: {
        brightness: 0.8 * s,
        contrast: 0.8 * s,
        saturation: 0.8 * s,
        hue: 0.2 * s,
        p: 0.8,
      },
      grayscale: { p: 0.2 },
      blur: { sigma: [0.1, 2], p: 0.5 },
      solarize: false,
      noise: false,
    };
  }
  if (preset === 'digits') {
    return {
      crop: { scale: [0.6, 1], ratio: [0.75, 1.33] },
      affine: { degrees: 15, translate: [0.1, 0.1] },
      flip: false,
      colorJitter: { brightness: 0.4 * s, contrast: 0.4 * s, saturation: 0, hue: 0, p: 0.8 },
      grayscale: false,
      blur: false,
      solarize: false,
      noise: false,
    };
  }
  throw new Error(`simclrAugment: preset must be 'simclr' or 'digits', got ${String(preset)}`);
}

function merge<T extends object>(base: T | false, override: T | false | undefined): T | false {
  if (override === false) return false;
  if (override === undefined) return base;
  return { ...(base || {}), ...override } as T;
}

/**
 * The SimCLR augmentation pipeline for one view (Chen et al. 2020, "A Simple
 * Framework for Contrastive Learning of Visual Representations", appendix A),
 * or its digits variant. Use `multiView(simclrAugment(opts), 2)` for the two
 * views of a SimCLR / MoCo / BYOL step. Defaults are listed on
 * {@link SimclrAugmentOptions}.
 *
 * @example
 * ```ts
 * const views = multiView(simclrAugment({ preset: 'digits' }), 2);
 * const [v1, v2] = views(mnistBatch, rng);
 * const noBlur = simclrAugment({ blur: false, strength: 0.5 });
 * ```
 */
export function simclrAugment(options: SimclrAugmentOptions = {}): Augmentation {
  const { preset = 'simclr', strength = 1 } = options;
  checkNumber('simclrAugment', 'strength', strength, 0);
  const base = presetOptions(preset, strength);
  const opt = <K extends keyof Pieces>(key: K): Pieces[K] =>
    merge(base[key] as object | false, options[key] as object | false | undefined) as Pieces[K];
  const ops: Augmentation[] = [];
  const crop = opt('crop');
  if (crop) ops.push(randomResizedCrop(crop));
  const affine = opt('affine');
  if (affine) ops.push(randomAffine(affine));
  const flip = opt('flip');
  if (flip) ops.push(horizontalFlip(flip));
  const jitter = opt('colorJitter');
  if (jitter) ops.push(colorJitter(jitter));
  const gray = opt('grayscale');
  if (gray) ops.push(randomGrayscale(gray));
  const blur = opt('blur');
  if (blur) ops.push(gaussianBlur(blur));
  const sol = opt('solarize');
  if (sol) ops.push(solarize(sol));
  const noise = opt('noise');
  if (noise) ops.push(gaussianNoise(noise));
  const pipeline = compose(ops);
  return (images, rng) => {
    assertImages('simclrAugment', images);
    return pipeline(images, resolveRng(rng, 'simclrAugment'));
  };
}

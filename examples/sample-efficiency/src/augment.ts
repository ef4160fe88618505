import type { SimclrAugmentOptions } from '@ssl/augment';

import type { StudyConfig } from './config';

/**
 * The study's augmentations (pretraining, fine-tuning, the baselines): the
 * `'digits'` preset of `simclrAugment` with the configuration's overrides, and
 * horizontal flips (p 0.5) when `flip` — right for clothes, wrong for digits.
 */
export function studyAugment(config: StudyConfig, flip: boolean): SimclrAugmentOptions {
  return { preset: 'digits', ...config.augment, flip: flip ? { p: 0.5 } : false };
}

import * as tf from '@tensorflow/tfjs-core';
import {
  colorJitter,
  compose,
  cutout,
  randomAffine,
  randomApply,
  type Augmentation,
} from '@ssl/augment';
import { maskTokens, type MaskTokensOptions } from '@ssl/mlm';

import type { EmbedInputs } from './embed';

/**
 * A seeded view of a batch: images `[B, H, W, C]` (or features, or named
 * inputs such as `{ inputIds, attentionMask }`) in, a new batch of the same
 * kind out (the input is not disposed).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ViewAugment = (x: any, seed: number) => EmbedInputs;

/**
 * FixMatch's weak view of images: a random translation by up to 12.5 % of
 * the side (the paper's flip-and-shift without the flip, which would turn
 * digits into other shapes; compose `horizontalFlip()` in for natural images).
 */
export function fixMatchWeakView(): Augmentation {
  return randomAffine({ translate: [0.125, 0.125] });
}

/** Options of {@link fixMatchStrongView}. */
export interface FixMatchStrongViewOptions {
  /** Fill value of the cutout square. Default 0.5 (gray, as the paper). */
  fill?: number;
}

/**
 * FixMatch's strong view of images, in the spirit of its RandAugment +
 * Cutout (Sohn et al. 2020, §2.3) built from `@ssl/augment` ops: a random
 * affine map (rotation ±30°, shear ±15°, scale 0.8–1.2, shift ±12.5 %), with
 * probability 0.8 a brightness/contrast jitter of ±0.5, then a cutout square
 * of up to half the side. (Not RandAugment itself: its fixed list of 14 ops
 * with random magnitudes is not implemented.)
 */
export function fixMatchStrongView(options: FixMatchStrongViewOptions = {}): Augmentation {
  return compose([
    randomAffine({ degrees: 30, shear: 15, scale: [0.8, 1.2], translate: [0.125, 0.125] }),
    randomApply(colorJitter({ brightness: 0.5, contrast: 0.5 }), 0.8),
    cutout({ size: [0, 0.5], fill: options.fill ?? 0.5 }),
  ]);
}

/** Options of {@link tokenMaskingView}: those of `maskTokens` (`@ssl/mlm`) but the seed. */
export type TokenMaskingViewOptions = Omit<MaskTokensOptions, 'seed'>;

/**
 * A strong view of text for FixMatch: BERT-style token masking (`maskTokens`
 * of `@ssl/mlm`: `maskProb` of the tokens chosen, 80 % → [MASK], 10 % →
 * random, 10 % kept) of `inputIds`; the other named inputs (the attention
 * mask) are copied. Give the padding id among `specialTokenIds`.
 *
 * @example
 * const strong = tokenMaskingView({ maskTokenId: tok.maskId, vocabSize: tok.vocabSize,
 *   specialTokenIds: tok.specialIds(), maskProb: 0.3 });
 */
export function tokenMaskingView(options: TokenMaskingViewOptions): ViewAugment {
  return (x: Record<string, tf.Tensor>, seed: number) => {
    const key = Object.keys(x ?? {}).find((k) => k.replace(/_/g, '').toLowerCase() === 'inputids');
    if (!key) {
      throw new Error(
        `tokenMaskingView: inputs must be named tensors with inputIds, got ${x instanceof tf.Tensor ? 'a tensor' : `[${Object.keys(x ?? {})}]`}`,
      );
    }
    const { inputIds, labels } = maskTokens(x[key] as tf.Tensor2D, { ...options, seed });
    labels.dispose();
    const out: Record<string, tf.Tensor> = {};
    for (const [k, v] of Object.entries(x)) out[k] = k === key ? inputIds : tf.clone(v);
    return out;
  };
}

/** A copy of the inputs (the identity view; every view returns new tensors). */
export function identityView(x: EmbedInputs): EmbedInputs {
  if (x instanceof tf.Tensor) return tf.clone(x);
  return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, tf.clone(v)]));
}

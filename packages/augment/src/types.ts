import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from './rng';

/**
 * An image augmentation: takes a batch `[N, H, W, C]` float32 in [0, 1]
 * (C = 1 or 3) and an `Rng` or a seed, returns a new batch in [0, 1].
 * Per-image parameters are drawn from the rng in JavaScript; the pixels are
 * transformed by batched tensor ops inside `tf.tidy`. The input is never
 * disposed, and the output is always a new tensor the caller owns.
 */
export type Augmentation = (images: tf.Tensor4D, rng: Rng | number) => tf.Tensor4D;

/** Several augmented views of one batch (see `multiView`). */
export type MultiViewAugmentation = (images: tf.Tensor4D, rng: Rng | number) => tf.Tensor4D[];

/** An inclusive numeric interval `[lo, hi]`. */
export type Range = readonly [number, number];

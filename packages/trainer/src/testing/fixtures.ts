// Test fixtures of the trainer core (not exported).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { resolveRngForTests } from './rng';
import type { Augmentation } from '@ssl/augment';
import type { DinoOptions } from '../methods/dino';
import { randomArray } from '@ssl/test-utils';

/** A tiny dense encoder `[B, 8, 8, 1] -> [B, 16]`, seeded. */
export function tinyEncoder(
  seed = 1,
  shape: [number, number, number] = [8, 8, 1],
): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.flatten({ inputShape: shape }),
      tfl.layers.dense({
        units: 16,
        activation: 'relu',
        kernelInitializer: tfl.initializers.glorotUniform({ seed }),
      }),
    ],
  });
}

/** `n` fixed random images `[n, 8, 8, 1]` in [0,1]. */
export function tinyImages(
  n = 16,
  seed = 3,
  shape: [number, number, number] = [8, 8, 1],
): tf.Tensor4D {
  return tf.tensor4d(randomArray(n * shape[0] * shape[1] * shape[2], seed, 0, 1), [n, ...shape]);
}

/** A light, seeded augmentation (uniform noise +-0.05): an easy problem where the loss must fall. */
export const noiseAugment: Augmentation = (images, rng) =>
  tf.tidy((): tf.Tensor4D => {
    const seed = Math.floor(resolveRngForTests(rng).next() * 2 ** 31);
    const noise = tf.randomUniform(images.shape, -0.05, 0.05, 'float32', seed);
    return tf.clipByValue(tf.add(images, noise), 0, 1) as tf.Tensor4D;
  });

/** DINO heads and crops small enough for unit tests (8 px local crops of 8×8 images). */
export const TINY_DINO = {
  outDim: 16,
  hiddenDim: 16,
  bottleneckDim: 8,
  localCrops: 2,
  localSize: 8,
} as const satisfies DinoOptions;

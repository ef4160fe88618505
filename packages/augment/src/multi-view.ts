import * as tf from '@tensorflow/tfjs-core';
import { resolveRng } from './rng';
import type { Augmentation, MultiViewAugmentation } from './types';
import { assertImages, checkInt } from './validate';

/**
 * Several augmented views of the same batch, as contrastive methods need
 * (SimCLR, MoCo, BYOL: n = 2). Each view gets its own stream forked from the
 * given rng (or seed), so views are independent yet reproducible.
 *
 * - `multiView(pipeline, n = 2)`: n views of the same pipeline;
 * - `multiView([p1, p2, ...])`: one view per pipeline (asymmetric views, as
 *   in BYOL); `n`, if given, must equal the number of pipelines.
 *
 * Returns `(images, rng | seed) => Tensor4D[]` (n new tensors the caller owns).
 *
 * @example
 * ```ts
 * const twoViews = multiView(simclrAugment(), 2);
 * const [v1, v2] = twoViews(batch, rng);
 * ```
 */
export function multiView(
  pipeline: Augmentation | readonly Augmentation[],
  n?: number,
): MultiViewAugmentation {
  let pipelines: Augmentation[];
  if (Array.isArray(pipeline)) {
    if (pipeline.length === 0 || pipeline.some((p) => typeof p !== 'function')) {
      throw new Error('multiView: pipeline must be an Augmentation or a non-empty array of them');
    }
    if (n !== undefined && n !== pipeline.length) {
      throw new Error(
        `multiView: n must equal the number of pipelines (${pipeline.length}), got ${n}`,
      );
    }
    pipelines = pipeline.slice();
  } else if (typeof pipeline === 'function') {
    const count = checkInt('multiView', 'n', n ?? 2, 1);
    pipelines = Array.from({ length: count }, () => pipeline as Augmentation);
  } else {
    throw new Error(`multiView: pipeline must be an Augmentation function, got ${typeof pipeline}`);
  }
  return (images, rng) => {
    assertImages('multiView', images);
    const root = resolveRng(rng, 'multiView');
    const streams = pipelines.map(() => root.fork());
    return tf.tidy(() => pipelines.map((p, v) => p(images, streams[v])));
  };
}

import * as tf from '@tensorflow/tfjs-core';
import { negativeCosineSimilarity } from '@ssl/losses';

/**
 * The symmetric loss of BYOL and SimSiam: predictions `p1, p2` and targets
 * `z1, z2` of the two views, `[B, P]` each, each view's prediction against the
 * other view's target:
 * `(D(p1, z2) + D(p2, z1)) / 2` with D the negative cosine similarity
 * (stop-gradient on the targets). In [-1, 1].
 */
export function symmetricNegativeCosine(
  p1: tf.Tensor2D,
  p2: tf.Tensor2D,
  z1: tf.Tensor2D,
  z2: tf.Tensor2D,
): tf.Scalar {
  return tf.tidy(() => {
    return tf.mul(
      tf.add(negativeCosineSimilarity(p1, z2), negativeCosineSimilarity(p2, z1)),
      0.5,
    ) as tf.Scalar;
  });
}

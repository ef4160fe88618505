import * as tf from '@tensorflow/tfjs-core';
import { l2NormalizeRows } from './normalize';
import { stopGradient } from './stop-gradient';
import { assertEmbeddingPair } from './validate';

const FN = 'negativeCosineSimilarity';

/**
 * Negative cosine similarity with a stop-gradient on the target, the loss of
 * SimSiam (Chen & He 2021, "Exploring Simple Siamese Representation Learning",
 * eq. 1 with stop-gradient, eq. 3) and, up to the affine map 2 - 2·cos, of BYOL
 * (Grill et al. 2020, "Bootstrap Your Own Latent", eq. 2):
 * `-mean_i cos(p_i, stopGradient(z_i))`.
 *
 * Rows are L2-normalized with a 1e-12 norm floor (a zero row gives cosine 0,
 * not NaN). No gradient flows into `z`; the value lies in [-1, 1]. For the
 * symmetrized SimSiam loss call it twice with the views swapped and average:
 * `0.5 * (D(p1, z2) + D(p2, z1))`.
 *
 * @param p predictions, float32 [N, D].
 * @param z targets, float32 [N, D] (treated as constants).
 *
 * @example
 * ```ts
 * const loss = tf.mul(0.5, tf.add(
 *   negativeCosineSimilarity(p1, z2),
 *   negativeCosineSimilarity(p2, z1))); // Scalar
 * ```
 */
export function negativeCosineSimilarity(p: tf.Tensor2D, z: tf.Tensor2D): tf.Scalar {
  assertEmbeddingPair(FN, 'p', p, 'z', z);

  return tf.tidy(() => {
    const pn = l2NormalizeRows(p); // [N, D]
    const zn = l2NormalizeRows(stopGradient(z)); // [N, D], constant for the gradient
    return tf.neg(tf.mean(tf.sum(tf.mul(pn, zn), 1))) as tf.Scalar;
  });
}

import * as tf from '@tensorflow/tfjs-core';
import { negativeCosineSimilarity } from '@ssl/losses';

/**
 * The symmetric loss of BYOL and SimSiam: predictions `p` and targets `z`,
 * both `[2B, P]` (view 1 in rows 0..B-1, view 2 below), each view's
 * prediction against the other view's target:
 * `(D(p1, z2) + D(p2, z1)) / 2` with D the negative cosine similarity
 * (stop-gradient on the targets). In [-1, 1].
 */
export function symmetricNegativeCosine(p: tf.Tensor, z: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const b = p.shape[0] / 2;
    const [p1, p2] = tf.split(p, [b, b], 0) as [tf.Tensor2D, tf.Tensor2D]; // [B, P] each
    const [z1, z2] = tf.split(z, [b, b], 0) as [tf.Tensor2D, tf.Tensor2D]; // [B, P] each
    return tf.mul(
      tf.add(negativeCosineSimilarity(p1, z2), negativeCosineSimilarity(p2, z1)),
      0.5,
    ) as tf.Scalar;
  });
}

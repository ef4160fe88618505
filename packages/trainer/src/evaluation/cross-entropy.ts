import * as tf from '@tensorflow/tfjs-core';

/**
 * Mean softmax cross-entropy of logits `[B, C]` against one-hot targets `[B, C]`,
 * written with plain ops: `-mean_b sum_c y · (logits − logsumexp(logits))`, the
 * log-sum-exp being the numerically stable form (max subtracted inside).
 * (tfjs's `tf.losses.softmaxCrossEntropy` uses a custom gradient that trips the
 * WASM backend's leak check in tests.)
 */
export function softmaxCrossEntropy(oneHot: tf.Tensor, logits: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const logProb = tf.sub(logits, tf.logSumExp(logits, 1, true)); // [B, C]
    return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, logProb), 1))) as tf.Scalar;
  });
}

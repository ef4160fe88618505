import * as tf from '@tensorflow/tfjs-core';
import { IGNORE_INDEX } from '@ssl/losses';

/**
 * Fraction of the predicted positions (labels ≠ -100) where argmax(logits) equals the
 * label. 0 when no position is predicted.
 *
 * @example
 * const acc = maskedAccuracy(logits, labels).dataSync()[0];
 */
export function maskedAccuracy(logits: tf.Tensor3D, labels: tf.Tensor2D): tf.Scalar {
  const fn = 'maskedAccuracy';
  if (logits.rank !== 3)
    throw new Error(`${fn}: logits must be [B, T, V], got shape [${logits.shape}]`);
  if (
    labels.rank !== 2 ||
    labels.shape[0] !== logits.shape[0] ||
    labels.shape[1] !== logits.shape[1]
  ) {
    throw new Error(
      `${fn}: labels must be [${logits.shape.slice(0, 2)}], got shape [${labels.shape}]`,
    );
  }
  return tf.tidy(() => {
    const lab = tf.cast(labels, 'int32');
    const valid = tf.cast(tf.notEqual(lab, IGNORE_INDEX), 'float32'); // [B, T]
    const hit = tf.cast(tf.equal(tf.argMax(logits, -1), lab), 'float32'); // [B, T]
    return tf.div(tf.sum(tf.mul(hit, valid)), tf.maximum(tf.sum(valid), 1)) as tf.Scalar;
  });
}

/**
 * Perplexity = exp(mean masked cross-entropy in nats), the usual MLM metric.
 *
 * @example
 * perplexity(maskedCrossEntropy(logits, labels).dataSync()[0]);
 */
export function perplexity(meanCrossEntropy: number): number {
  if (!(meanCrossEntropy >= 0)) {
    throw new Error(`perplexity: meanCrossEntropy must be a number >= 0, got ${meanCrossEntropy}`);
  }
  return Math.exp(meanCrossEntropy);
}

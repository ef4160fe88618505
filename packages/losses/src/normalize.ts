import * as tf from '@tensorflow/tfjs-core';

/**
 * Norm floor of {@link l2NormalizeRows}: a row with a smaller L2 norm is divided
 * by this instead (the same 1e-12 as PyTorch's `F.normalize`), so an all-zero
 * row stays all-zero and finite instead of becoming 0/0.
 */
export const NORM_EPS = 1e-12;

/**
 * Scales each row of `x` [N, D] to unit L2 norm: x / max(||x||, NORM_EPS),
 * computed as x * rsqrt(max(Σx², NORM_EPS²)) (1e-24 is a normal float32).
 * Internal helper: callers validate and own the surrounding tidy.
 */
export function l2NormalizeRows<T extends tf.Tensor>(x: T): T {
  return tf.tidy(() => {
    const sumSq = tf.sum(tf.square(x), -1, true); // [..., 1]
    return tf.mul(x, tf.rsqrt(tf.maximum(sumSq, NORM_EPS * NORM_EPS))) as T;
  });
}

import * as tf from '@tensorflow/tfjs-core';

import { softmaxCrossEntropy } from './cross-entropy';
import { createRng, shuffleInPlace } from '@ssl/augment';

/** Settings of {@link fitSoftmaxRegression} (defaults live on the public callers). */
export interface SoftmaxRegressionSettings {
  epochs: number;
  lr: number;
  l2: number;
  batchSize: number;
  seed: number;
}

/**
 * Fits multinomial logistic regression `softmax(x W + b)` to features `x`
 * `[N, D]` and integer labels, minimising mean cross-entropy + `l2/2 · ‖W‖²`
 * with Adam from zero weights, in seeded mini-batches. Returns the weights
 * `W [D, C]` and `b [C]`, which the caller disposes.
 */
export function fitSoftmaxRegression(
  x: tf.Tensor2D,
  labels: number[],
  numClasses: number,
  { epochs, lr, l2, batchSize, seed }: SoftmaxRegressionSettings,
): { w: tf.Variable; b: tf.Variable } {
  const d = x.shape[1];
  const y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), numClasses), 'float32'));
  const w = tf.tidy(() => tf.variable(tf.zeros([d, numClasses]), true)); // [D, C]
  const b = tf.tidy(() => tf.variable(tf.zeros([numClasses]), true)); // [C]
  const optimizer = tf.train.adam(lr);
  try {
    const rand = createRng(seed);
    const order = labels.map((_, i) => i);
    for (let epoch = 0; epoch < epochs; epoch++) {
      shuffleInPlace(order, rand);
      for (let start = 0; start < order.length; start += batchSize) {
        const idx = tf.tensor1d(order.slice(start, start + batchSize), 'int32');
        optimizer.minimize(
          () => {
            const xb = tf.gather(x, idx); // [b, D]
            const yb = tf.gather(y, idx); // [b, C]
            const ce = softmaxCrossEntropy(yb, tf.add(tf.matMul(xb, w), b));
            return tf.add(ce, tf.mul(l2 / 2, tf.sum(tf.square(w)))) as tf.Scalar;
          },
          false,
          [w, b],
        );
        idx.dispose();
      }
    }
    return { w, b };
  } catch (e) {
    tf.dispose([w, b]);
    throw e;
  } finally {
    optimizer.dispose();
    y.dispose();
  }
}

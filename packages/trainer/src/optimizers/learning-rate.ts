import type * as tf from '@tensorflow/tfjs-core';

/**
 * Sets the learning rate of a tfjs optimizer in place, between steps:
 *
 * - `tf.train.sgd`, `tf.train.momentum` and {@link Lars} have a public
 *   `setLearningRate(lr)`: it is called;
 * - `tf.train.adam`, `adamax`, `rmsprop`, `adagrad`, `adadelta` read their
 *   `learningRate` field at every `applyGradients`: the field is written.
 *
 * Throws for an optimizer with neither.
 */
export function setLearningRate(optimizer: tf.Optimizer, lr: number): void {
  if (!Number.isFinite(lr) || lr < 0) {
    throw new Error(`setLearningRate: lr must be a finite number >= 0, got ${lr}`);
  }
  const o = optimizer as unknown as {
    setLearningRate?: (v: number) => void;
    learningRate?: number;
  };
  if (typeof o.setLearningRate === 'function') o.setLearningRate(lr);
  else if (typeof o.learningRate === 'number') o.learningRate = lr;
  else {
    throw new Error(
      `setLearningRate: optimizer ${optimizer.getClassName()} has neither setLearningRate() nor a learningRate field`,
    );
  }
}

/** The optimizer's current learning rate, or NaN when it does not expose one. */
export function getLearningRate(optimizer: tf.Optimizer): number {
  const lr = (optimizer as unknown as { learningRate?: number }).learningRate;
  return typeof lr === 'number' ? lr : NaN;
}

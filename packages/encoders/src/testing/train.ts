// Test helper (not part of the package's public surface).
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** The tf.Variables behind a model's trainable weights. */
export function trainableVariables(...models: tfl.LayersModel[]): tf.Variable[] {
  return models.flatMap((m) => m.trainableWeights.map((w) => w.read() as tf.Variable));
}

/**
 * Takes `steps` Adam steps on `loss` over `vars` and returns the loss before
 * each step (the last entry is the loss after the final step).
 */
export function trainSteps(
  loss: () => tf.Scalar,
  vars: tf.Variable[],
  steps: number,
  learningRate = 0.01,
): number[] {
  const optimizer = tf.train.adam(learningRate);
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    const cost = optimizer.minimize(loss, true, vars) as tf.Scalar;
    losses.push(cost.dataSync()[0]);
    cost.dispose();
  }
  const final = tf.tidy(loss);
  losses.push(final.dataSync()[0]);
  final.dispose();
  optimizer.dispose();
  return losses;
}

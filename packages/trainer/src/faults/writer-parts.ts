// Fault-injection fixture: the run a killed child process checkpoints (not exported).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { CheckpointParts } from '../checkpoint-io';
import type { Method } from '../methods/method';

/** A dense encoder big enough (1 MB of weights) that a save takes a few milliseconds. */
export function writerParts(): CheckpointParts & { head: tf.Variable } {
  const encoder = tfl.sequential({
    layers: [tfl.layers.dense({ units: 512, inputShape: [512], useBias: true })],
  });
  const head = tf.variable(tf.zeros([64]), true);
  const method: Method = {
    name: 'writer',
    inputKey: 'images',
    build() {},
    trainableVariables: () => [head],
    prepare: () => ({}),
    forward: () => ({}),
    loss: () => ({ loss: tf.scalar(0) }),
    getState: () => ({ tensors: { head }, json: {} }),
    setState(state) {
      head.assign(state.tensors.head);
    },
    dispose() {
      head.dispose();
    },
  };
  return { encoder, method, optimizer: tf.train.sgd(0.1), head };
}

/** Sets every encoder weight and the head to `value` (a checkpoint of step s holds s everywhere). */
export function fillParts(parts: ReturnType<typeof writerParts>, value: number): void {
  parts.encoder.setWeights(parts.encoder.weights.map((w) => tf.fill(w.shape as number[], value)));
  parts.head.assign(tf.fill(parts.head.shape, value));
}

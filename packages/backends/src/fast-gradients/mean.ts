import * as tf from '@tensorflow/tfjs-core';

/**
 * The gradient of Mean as a broadcast: dx = broadcastTo(dy / count, x.shape),
 * one Tile of the (small) reduced tensor. tfjs-core's own multiplies dy by a
 * `ones(x.shape)` it fills first and then divides the full-size product: a
 * Fill and two full-size passes more (tf.moments in batch norm reduces every
 * activation of the network this way).
 */
export const meanGradConfig: tf.GradConfig = {
  kernelName: tf.Mean,
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved;
    const { axis } = attrs as unknown as tf.MeanAttrs;
    const axes = tf.util.parseAxisParam(axis, x.shape);
    const count = axes.reduce((n, a) => n * x.shape[a], 1);
    const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d)); // dy with the reduced axes kept
    return {
      x: () => tf.broadcastTo(tf.div(tf.reshape(dy as tf.Tensor, kept), tf.scalar(count)), x.shape),
    };
  },
};

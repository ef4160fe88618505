import * as tf from '@tensorflow/tfjs-core';
import { describeBackends } from './backends';

describeBackends('describeBackends', (backend) => {
  it('switches to the named backend, with gradients registered', () => {
    expect(tf.getBackend()).toBe(backend);
    expect(tf.getGradient('Square')).toBeDefined();
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.square(x)))(tf.tensor1d([1, -2]));
    expect(Array.from(g.dataSync())).toEqual([2, -4]);
  });
});

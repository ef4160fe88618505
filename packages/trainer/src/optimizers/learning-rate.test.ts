import * as tf from '@tensorflow/tfjs-core';
import '@ssl/test-utils';
import { lars } from './lars';
import { getLearningRate, setLearningRate } from './learning-rate';

describe('setLearningRate', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('changes the step SGD takes', () => {
    const opt = tf.train.sgd(1);
    setLearningRate(opt, 0.25);
    const x = tf.variable(tf.scalar(2));
    opt.minimize(() => tf.square(x) as tf.Scalar); // grad 4
    expect(x.dataSync()[0]).toBeCloseTo(2 - 0.25 * 4, 6);
    expect(getLearningRate(opt)).toBe(0.25);
    tf.dispose(x);
    opt.dispose();
  });

  it('changes the step Adam takes (first step moves by lr)', () => {
    const opt = tf.train.adam(1);
    setLearningRate(opt, 0.01);
    const x = tf.variable(tf.scalar(2));
    opt.minimize(() => tf.square(x) as tf.Scalar);
    expect(x.dataSync()[0]).toBeCloseTo(2 - 0.01, 4);
    expect(getLearningRate(opt)).toBe(0.01);
    tf.dispose(x);
    opt.dispose();
  });

  it('sets LARS and refuses a negative rate', () => {
    const opt = lars({ learningRate: 1 });
    setLearningRate(opt, 0.5);
    expect(opt.learningRate).toBe(0.5);
    expect(() => setLearningRate(opt, -1)).toThrow(/setLearningRate: lr/);
  });
});

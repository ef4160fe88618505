import * as tf from '@tensorflow/tfjs-core';
import { describeBackends, expectNoLeak, randomArray } from '@ssl/test-utils';
import { stopGradient } from './stop-gradient';

describeBackends('stopGradient', () => {
  it('returns the same values, shape and dtype', () => {
    const x = tf.tensor2d(randomArray(6, 1), [2, 3]);
    const y = stopGradient(x);
    expect(y.shape).toEqual([2, 3]);
    expect(y.dtype).toBe('float32');
    expect(Array.from(y.dataSync())).toEqual(Array.from(x.dataSync()));
    const i = stopGradient(tf.tensor1d([1, 2], 'int32'));
    expect(i.dtype).toBe('int32');
    tf.dispose([x, y, i]);
  });

  it('blocks the gradient: d/dx sum(x * sg(x)) = x, and d/dx sum(sg(x)^2) = 0', () => {
    const x = tf.tensor1d([1.5, -2, 3]);
    const g1 = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(v, stopGradient(v))))(x);
    expect(Array.from(g1.dataSync())).toEqual([1.5, -2, 3]);
    const g2 = tf.grad((v: tf.Tensor) => tf.sum(tf.square(stopGradient(v))))(x);
    expect(Array.from(g2.dataSync())).toEqual([0, 0, 0]);
    tf.dispose([x, g1, g2]);
  });

  it('rejects a non-tensor', () => {
    expect(() => stopGradient([1, 2] as unknown as tf.Tensor)).toThrow(
      /stopGradient: x must be a tensor, got an array/,
    );
  });

  it('leaks no tensors', async () => {
    const x = tf.tensor1d([1, 2, 3]);
    await expectNoLeak(() => stopGradient(x));
    await expectNoLeak(() => tf.grad((v: tf.Tensor) => tf.sum(tf.square(stopGradient(v))))(x));
    x.dispose();
  });
});

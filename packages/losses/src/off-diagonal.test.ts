import * as tf from '@tensorflow/tfjs-core';
import { describeBackends, expectNoLeak } from '@ssl/test-utils';
import { offDiagonal } from './off-diagonal';

describeBackends('offDiagonal', () => {
  it('keeps every m[i, j] with j != i, row by row', () => {
    for (const n of [1, 2, 3, 5]) {
      const values = Array.from({ length: n * n }, (_, k) => k + 1);
      const expected: number[] = [];
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) if (i !== j) expected.push(values[i * n + j]);
      const out = offDiagonal(tf.tensor2d(values, [n, n]));
      expect(out.shape).toEqual([n, n - 1]);
      expect(Array.from(out.dataSync())).toEqual(expected);
    }
  });

  it('passes gradient to the off-diagonal entries only', () => {
    const m = tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8, 9], [3, 3]);
    const g = tf.grad((x: tf.Tensor) => tf.sum(offDiagonal(x as tf.Tensor2D)))(m);
    expect(Array.from(g.dataSync())).toEqual([0, 1, 1, 1, 0, 1, 1, 1, 0]);
  });

  it('leaks no tensors', async () => {
    const m = tf.ones([4, 4]) as tf.Tensor2D;
    await expectNoLeak(() => tf.tidy(() => offDiagonal(m)));
    m.dispose();
  });
});

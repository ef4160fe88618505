import * as tf from '@tensorflow/tfjs-core';
import { describeBackends, expectAllClose, numericGradient } from '@ssl/test-utils';

import { softmaxCrossEntropy } from './cross-entropy';

function naive(y: number[][], z: number[][]): number {
  let total = 0;
  z.forEach((row, b) => {
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
    row.forEach((v, c) => (total -= y[b][c] * (v - lse)));
  });
  return total / z.length;
}

describeBackends('softmaxCrossEntropy', () => {
  const y = [
    [0, 1, 0],
    [1, 0, 0],
  ];
  const z = [
    [0.5, -1, 2],
    [30, 1, -2],
  ];
  it('matches a naive loop, and its gradient matches finite differences', () => {
    expectAllClose(softmaxCrossEntropy(tf.tensor2d(y), tf.tensor2d(z)).dataSync(), naive(y, z), {
      atol: 1e-5,
    });
    const g = tf.grad((t: tf.Tensor) => softmaxCrossEntropy(tf.tensor2d(y), t))(tf.tensor2d(z));
    const num = numericGradient(
      (v) => naive(y, [Array.from(v.slice(0, 3)), Array.from(v.slice(3))]),
      z.flat(),
    );
    expectAllClose(g.dataSync(), num, { atol: 1e-3 });
  });
});

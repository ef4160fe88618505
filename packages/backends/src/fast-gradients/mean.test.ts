import '@ssl/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expectAllClose, randomArray } from '@ssl/test-utils';
import { registerWasmTrainingKernels } from '../wasm-kernels/register';
import { meanGradConfig } from './mean';
import { registerFastGradients } from './register';

registerWasmTrainingKernels();
registerFastGradients();

describe.each(['cpu', 'wasm'])('the Mean gradient as a broadcast [%s]', (backend) => {
  it.each([
    [
      [2, 3, 4, 5],
      [0, 1, 2],
    ],
    [[6, 7], [0]],
    [[3, 4, 5], [1]], // a middle axis: the wasm Tile's general path
    [
      [3, 4],
      [0, 1],
    ],
  ] as [number[], number[]][])(
    'x %j over %j: dx = w (reduced shape) / count',
    async (shape, axes) => {
      await tf.setBackend(backend);
      expect(tf.getGradient(tf.Mean)).toBe(meanGradConfig);
      const before = tf.memory().numTensors;
      const size = shape.reduce((a, b) => a * b);
      const reducedShape = shape.filter((_, i) => !axes.includes(i));
      const reducedSize = reducedShape.reduce((a, b) => a * b, 1);
      const w = randomArray(reducedSize, 7);
      const x = tf.tensor(randomArray(size, 8), shape);
      const wT = tf.tensor(w, reducedShape);
      const dx = tf.grad((xi: tf.Tensor) => tf.sum(tf.mul(tf.mean(xi, axes), wT)))(x);
      // naive: element i of x lands in output element j (its kept coordinates), dL/dx_i = w_j / count
      const count = axes.reduce((n, a) => n * shape[a], 1);
      const want = new Array<number>(size);
      for (let i = 0; i < size; i++) {
        let rest = i;
        let j = 0;
        let stride = 1;
        for (let a = shape.length - 1; a >= 0; a--) {
          const coord = rest % shape[a];
          rest = Math.floor(rest / shape[a]);
          if (!axes.includes(a)) {
            j += coord * stride;
            stride *= shape[a];
          }
        }
        want[i] = w[j] / count;
      }
      expect(dx.shape).toEqual(shape);
      expectAllClose(dx.dataSync(), want, { atol: 1e-6, rtol: 1e-5 });
      tf.dispose([x, wT, dx]);
      expect(tf.memory().numTensors).toBe(before);
    },
  );
});

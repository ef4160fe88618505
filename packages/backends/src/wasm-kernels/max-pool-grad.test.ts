import '@ssl/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expectSameAsCpu, useTuning } from './compare-with-cpu';
import { registerWasmTrainingKernels } from './register';

registerWasmTrainingKernels();

interface PoolCase {
  x: number[];
  filterSize: [number, number];
  strides: [number, number];
  pad: 'same' | 'valid' | number;
}

const cases: PoolCase[] = [
  { x: [2, 6, 6, 3], filterSize: [2, 2], strides: [2, 2], pad: 'valid' },
  { x: [3, 7, 7, 4], filterSize: [2, 2], strides: [2, 2], pad: 'valid' },
  { x: [2, 7, 5, 2], filterSize: [3, 3], strides: [2, 2], pad: 'same' },
  { x: [1, 8, 8, 5], filterSize: [3, 2], strides: [1, 1], pad: 'same' },
  { x: [2, 9, 9, 3], filterSize: [3, 3], strides: [2, 1], pad: 'valid' },
  { x: [2, 6, 6, 2], filterSize: [2, 2], strides: [1, 1], pad: 1 },
  // 2x2/2 with channels around the SIMD width (4) and odd sizes (a row/column in no window)
  { x: [2, 5, 7, 8], filterSize: [2, 2], strides: [2, 2], pad: 'valid' },
  { x: [3, 6, 5, 9], filterSize: [2, 2], strides: [2, 2], pad: 'valid' },
  { x: [1, 4, 4, 32], filterSize: [2, 2], strides: [2, 2], pad: 'valid' },
];

describe.each([
  ['SIMD', true],
  ['JavaScript', false],
] as const)('MaxPoolGrad [wasm], %s', (_path, simd) => {
  useTuning({ simd });

  it.each(cases.map((c, i) => [i, c] as const))('case %i matches the cpu backend', async (i, c) => {
    await tf.setBackend('cpu');
    const x = tf.randomUniform(c.x, -1, 1, 'float32', 90 + i);
    const xs = Array.from(x.dataSync());
    const y = tf.maxPool(x as tf.Tensor4D, c.filterSize, c.strides, c.pad);
    const ys = Array.from(y.dataSync());
    const dy = Array.from(tf.randomUniform(y.shape, -1, 1, 'float32', 120 + i).dataSync());
    const yShape = y.shape;
    tf.dispose([x, y]);
    await expectSameAsCpu(
      'MaxPoolGrad',
      {
        dy: { shape: yShape, values: dy },
        input: { shape: c.x, values: xs },
        output: { shape: yShape, values: ys },
      },
      { filterSize: c.filterSize, strides: c.strides, pad: c.pad },
    );
  });

  it('gives a tie to the first maximum in row-major order, like cpu', async () => {
    const xs = [1, 1, 1, 1, 0, 2, 2, 0];
    await expectSameAsCpu(
      'MaxPoolGrad',
      {
        dy: { shape: [1, 1, 2, 1], values: [5, 7] },
        input: { shape: [1, 2, 4, 1], values: xs },
        output: { shape: [1, 1, 2, 1], values: [1, 2] },
      },
      { filterSize: [2, 2], strides: [2, 2], pad: 'valid' },
    );
  });

  it('breaks ties and skips -Infinity lane by lane, like cpu (4 and 5 channels)', async () => {
    for (const c of [4, 5]) {
      // window positions in row-major order; per channel: which values tie or are -Infinity
      const windows = [
        [1, 1, 1, 1],
        [0, 2, 2, 0],
        [-Infinity, -Infinity, 3, 3],
        [-1, -1, -1, 5],
        [-Infinity, -Infinity, -Infinity, -Infinity],
      ];
      const xs: number[] = [];
      for (let pos = 0; pos < 4; pos++)
        for (let k = 0; k < c; k++) xs.push(windows[k % windows.length][pos]);
      // [1, 2, 2, c]: positions (0,0) (0,1) (1,0) (1,1) in that order
      await expectSameAsCpu(
        'MaxPoolGrad',
        {
          dy: { shape: [1, 1, 1, c], values: Array.from({ length: c }, (_, k) => k + 1) },
          input: { shape: [1, 2, 2, c], values: xs },
          output: { shape: [1, 1, 1, c], values: Array.from({ length: c }, () => 0) },
        },
        { filterSize: [2, 2], strides: [2, 2], pad: 'valid' },
      );
    }
  });
});

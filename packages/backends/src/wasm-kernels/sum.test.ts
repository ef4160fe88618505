import '@ssl/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expectSameAsCpu, useTuning } from './compare-with-cpu';
import { registerWasmTrainingKernels } from './register';

registerWasmTrainingKernels();

describe.each([
  ['SIMD', true],
  ['JavaScript', false],
] as const)('Sum [wasm], %s', (_path, simd) => {
  useTuning({ simd });

  it.each([
    [[4, 5, 6, 3], [0, 1, 2], false],
    [[300, 8], [0], false],
    [[3, 200, 13], [0, 1], false],
    [[600, 36], [0], true],
    [[257, 2, 3], [0, 1], false],
    [[4, 5, 6, 3], [0, 1, 2], true],
    [[7, 9], [0], false],
    [[3, 4, 5], [1, 0], false],
    [[3, 4, 5], [-3], true],
  ] as [number[], number[], boolean][])(
    'x %j over leading axes %j (keepDims %s) matches cpu',
    (shape, axis, keepDims) =>
      expectSameAsCpu('Sum', { x: { shape, seed: shape.length } }, { axis, keepDims }),
  );

  it.each([
    [[4, 5, 6], [2]],
    [
      [4, 5, 6],
      [0, 2],
    ],
    [
      [4, 5],
      [0, 1],
    ],
  ] as [number[], number[]][])(
    'x %j over %j (the wasm backend’s own Sum) matches cpu',
    (shape, axis) => expectSameAsCpu('Sum', { x: { shape, seed: 9 } }, { axis, keepDims: false }),
  );

  it('keeps float64 accuracy over many rows (float32 running sums would drift)', async () => {
    await tf.setBackend('wasm');
    const rows = 100_000;
    const x = tf.fill([rows, 5], 0.1);
    const got = tf.sum(x, 0);
    const want = rows * Math.fround(0.1); // the float32 input, summed exactly
    // a float32 running sum is off by 1.4e-4 here; blocks of 256 keep it within 1e-5
    for (const v of got.dataSync()) expect(Math.abs(v - want) / want).toBeLessThan(1e-5);
    tf.dispose([x, got]);
  });

  it('sums int32 through the wasm backend’s own Sum', () =>
    expectSameAsCpu(
      'Sum',
      { x: { shape: [3, 2], values: [1, 2, 3, 4, 5, 6], dtype: 'int32' } },
      { axis: [0], keepDims: false },
    ));
});

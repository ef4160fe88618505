import '@ssl/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expectSameAsCpu, runKernelChecked } from './compare-with-cpu';
import { registerWasmTrainingKernels } from './register';

registerWasmTrainingKernels();

describe('UnsortedSegmentSum [wasm]', () => {
  it('adds rows into their segments (hand-computed)', async () => {
    await tf.setBackend('wasm');
    const got = runKernelChecked(
      'UnsortedSegmentSum',
      {
        x: { shape: [4, 2], values: [1, 2, 3, 4, 5, 6, 7, 8] },
        segmentIds: { shape: [4], values: [2, 0, 2, -1], dtype: 'int32' },
      },
      { numSegments: 3 },
    );
    expect(got.shape).toEqual([3, 2]);
    expect(Array.from(got.values)).toEqual([3, 4, 0, 0, 6, 8]);
  });

  it.each([
    [[6, 3], [6], 4],
    [[10, 2, 5], [10], 7],
    [[8, 3, 2], [8], 5],
    [[50, 16], [50], 20],
  ] as [number[], number[], number][])(
    'x %j, ids %j, %i segments match the cpu backend',
    async (xShape, idShape, k) => {
      const ids = Array.from({ length: tf.util.sizeFromShape(idShape) }, (_, i) => (i * 7 + 3) % k);
      await expectSameAsCpu(
        'UnsortedSegmentSum',
        {
          x: { shape: xShape, seed: k },
          segmentIds: { shape: idShape, values: ids, dtype: 'int32' },
        },
        { numSegments: k },
      );
    },
  );

  it('sums int32 data as int32', async () => {
    await expectSameAsCpu(
      'UnsortedSegmentSum',
      {
        x: { shape: [4], values: [1, 2, 3, 4], dtype: 'int32' },
        segmentIds: { shape: [4], values: [1, 1, 0, 1], dtype: 'int32' },
      },
      { numSegments: 2 },
    );
  });

  it('rejects ids whose shape is not a prefix of x', async () => {
    await tf.setBackend('wasm');
    expect(() =>
      runKernelChecked(
        'UnsortedSegmentSum',
        { x: { shape: [4, 2] }, segmentIds: { shape: [3], values: [0, 0, 0], dtype: 'int32' } },
        { numSegments: 1 },
      ),
    ).toThrow(/segmentIds shape \[3\] must be a prefix of x shape \[4,2\]/);
  });
});

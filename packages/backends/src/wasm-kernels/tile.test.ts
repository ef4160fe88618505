import '@ssl/test-utils';
import { expectSameAsCpu } from './compare-with-cpu';
import { registerWasmTrainingKernels } from './register';

registerWasmTrainingKernels();

describe('Tile [wasm]', () => {
  it.each([
    [
      [1, 1, 1, 5],
      [2, 3, 4, 1],
    ], // a broadcast of [C] to [N, H, W, C]: whole copies
    [
      [1, 7],
      [3, 1],
    ],
    [
      [1, 1, 3],
      [5, 1, 1],
    ],
    [
      [1, 4],
      [1, 1],
    ], // nothing repeated
    [
      [1, 2],
      [0, 1],
    ], // empty output
    [
      [2, 3],
      [2, 2],
    ], // the wasm backend's own Tile (interleaved repeats)
    [
      [1, 3, 2],
      [2, 1, 3],
    ],
  ] as [number[], number[]][])(
    'x %j reps %j matches cpu (float32 and int32)',
    async (shape, reps) => {
      await expectSameAsCpu('Tile', { x: { shape, seed: 3 } }, { reps });
      await expectSameAsCpu(
        'Tile',
        {
          x: {
            shape,
            values: shape.length
              ? Array.from({ length: shape.reduce((a, b) => a * b) }, (_, i) => i - 2)
              : [],
            dtype: 'int32',
          },
        },
        { reps },
      );
    },
  );
});

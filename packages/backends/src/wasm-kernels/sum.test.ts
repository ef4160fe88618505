import '@ssl/test-utils';
import { expectSameAsCpu } from './compare-with-cpu';
import { registerWasmTrainingKernels } from './register';

registerWasmTrainingKernels();

describe('Sum [wasm]', () => {
  it.each([
    [[4, 5, 6, 3], [0, 1, 2], false],
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

  it('sums int32 through the wasm backend’s own Sum', () =>
    expectSameAsCpu(
      'Sum',
      { x: { shape: [3, 2], values: [1, 2, 3, 4, 5, 6], dtype: 'int32' } },
      { axis: [0], keepDims: false },
    ));
});

import '@ssl/test-utils';
import { expectSameAsCpu } from './compare-with-cpu';
import { registerWasmTrainingKernels } from './register';

registerWasmTrainingKernels();

describe('BatchMatMul [wasm]', () => {
  it.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])('transposeA %s, transposeB %s matches cpu (batch 3)', (transposeA, transposeB) => {
    const [m, k, n] = [5, 7, 4];
    const a = transposeA ? [3, k, m] : [3, m, k];
    const b = transposeB ? [3, n, k] : [3, k, n];
    return expectSameAsCpu(
      'BatchMatMul',
      { a: { shape: a, seed: 1 }, b: { shape: b, seed: 2 } },
      { transposeA, transposeB },
    );
  });

  it('broadcasts a batch of 1 against a batch of 2 with transposeB', () =>
    expectSameAsCpu(
      'BatchMatMul',
      { a: { shape: [2, 3, 6], seed: 3 }, b: { shape: [1, 4, 6], seed: 4 } },
      { transposeA: false, transposeB: true },
    ));
});

import '@ssl/test-utils';
import { expectSameAsCpu, expectWasmMatches, useTuning } from './compare-with-cpu';
import { convShapes, DILATED_CONV_CASES, UNDILATED_CONV_CASES } from './conv-cases';
import { naiveConvFilterGrad } from './naive-conv';
import { registerWasmTrainingKernels } from './register';

registerWasmTrainingKernels();

const cases = UNDILATED_CONV_CASES;

const PATHS = [
  ['SIMD', { simd: true, simdBlockFloats: 1 << 17 }],
  ['SIMD, one image per block', { simd: true, simdBlockFloats: 1 }],
  ['GEMM', { simd: false, maxPatchElements: 1 << 22, convChunkBytes: 1 << 22 }],
  ['convolution, whole batch', { simd: false, maxPatchElements: 0, convChunkBytes: 1 << 22 }],
  ['convolution, one image per chunk', { simd: false, maxPatchElements: 0, convChunkBytes: 1 }],
] as const;

describe.each(PATHS)('Conv2DBackpropFilter [wasm], %s path', (_path, settings) => {
  useTuning(settings);

  it.each(cases.map((c, i) => [i, c] as const))('case %i matches the cpu backend', async (i, c) => {
    const { x, dy, filter } = convShapes(c);
    await expectSameAsCpu(
      'Conv2DBackpropFilter',
      { x: { shape: x, seed: 10 + i }, dy: { shape: dy, seed: 50 + i } },
      { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', filterShape: filter },
    );
  });

  it.each(DILATED_CONV_CASES.map((c) => [c] as const))(
    'supports dilations (naive loop reference) %#',
    async (c) => {
      const { x, dy, filter } = convShapes(c);
      await expectWasmMatches(
        'Conv2DBackpropFilter',
        { x: { shape: x, seed: 3 }, dy: { shape: dy, seed: 4 } },
        { strides: c.stride, pad: c.pad, dilations: c.dilation, filterShape: filter },
        naiveConvFilterGrad(c, 3, 4),
      );
    },
  );
});

import '@ssl/test-utils';
import { expectSameAsCpu, expectWasmMatches, useTuning } from './compare-with-cpu';
import {
  BASIC_CONV_CASES,
  convShapes,
  DILATED_CONV_CASES,
  SIMD_TILE_CONV_CASES,
  WIDE_AND_POINTWISE_CONV_CASES,
} from './conv-cases';
import { naiveConvInputGrad, type ConvCase } from './naive-conv';
import { registerWasmTrainingKernels } from './register';
import { tuning } from './tuning';

registerWasmTrainingKernels();

const cases: ConvCase[] = [
  ...BASIC_CONV_CASES,
  {
    n: 2,
    h: 6,
    w: 6,
    ci: 2,
    co: 2,
    fh: 2,
    fw: 2,
    stride: [1, 1],
    pad: [
      [0, 0],
      [3, 0],
      [0, 3],
      [0, 0],
    ],
  },
  ...WIDE_AND_POINTWISE_CONV_CASES,
  ...SIMD_TILE_CONV_CASES,
  // 1x1, stride 1 and 2, input channels around the 8-wide tile (the strided one has an odd last row)
  { n: 2, h: 5, w: 4, ci: 9, co: 6, fh: 1, fw: 1, stride: [1, 1], pad: 'valid' },
  { n: 3, h: 7, w: 6, ci: 12, co: 5, fh: 1, fw: 1, stride: [2, 2], pad: 'valid' },
];

// default: every case on the SIMD input-gradient kernel; without SIMD: GEMM + col2im (strided)
// or the convolution of dy on the wasm backend's Conv2D (stride 1, or every case with limit 0)
const PATHS = [
  ['SIMD (default)', tuning.maxPatchElements, true, tuning.simdBlockFloats],
  ['SIMD, one image per cache block', tuning.maxPatchElements, true, 1],
  ['GEMM, no SIMD', tuning.maxPatchElements, false, tuning.simdBlockFloats],
  ['convolution-only, the wasm backend’s Conv2D', 0, false, tuning.simdBlockFloats],
] as const;

describe.each(PATHS)('Conv2DBackpropInput [wasm], %s path', (_path, limit, simd, blockFloats) => {
  useTuning({ maxPatchElements: limit, simd, simdBlockFloats: blockFloats });

  it.each(cases.map((c, i) => [i, c] as const))('case %i matches the cpu backend', async (i, c) => {
    const { x, dy, filter } = convShapes(c);
    await expectSameAsCpu(
      'Conv2DBackpropInput',
      { dy: { shape: dy, seed: 20 + i }, filter: { shape: filter, seed: 60 + i } },
      { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', inputShape: x },
    );
  });

  it.each(DILATED_CONV_CASES.map((c) => [c] as const))(
    'supports dilations (naive loop reference) %#',
    async (c) => {
      const { x, dy, filter } = convShapes(c);
      await expectWasmMatches(
        'Conv2DBackpropInput',
        { dy: { shape: dy, seed: 4 }, filter: { shape: filter, seed: 5 } },
        { strides: c.stride, pad: c.pad, dilations: c.dilation, inputShape: x },
        naiveConvInputGrad(c, 5, 4),
      );
    },
  );
});

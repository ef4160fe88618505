import '@ssl/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expectAllClose } from '@ssl/test-utils';
import { expectSameAsCpu, runKernelChecked } from './compare-with-cpu';
import { naiveConvInputGrad, type ConvCase, outSize } from './naive-conv';
import { registerWasmTrainingKernels } from './register';
import { tuning } from './tuning';

registerWasmTrainingKernels();

const cases: ConvCase[] = [
  { n: 2, h: 7, w: 6, ci: 3, co: 4, fh: 3, fw: 3, stride: [1, 1], pad: 'valid' },
  { n: 3, h: 8, w: 8, ci: 2, co: 5, fh: 3, fw: 3, stride: [2, 2], pad: 'same' },
  { n: 2, h: 9, w: 7, ci: 4, co: 3, fh: 2, fw: 3, stride: [2, 1], pad: 'valid' },
  { n: 1, h: 6, w: 6, ci: 1, co: 8, fh: 5, fw: 5, stride: [1, 1], pad: 'same' },
  { n: 2, h: 7, w: 9, ci: 3, co: 2, fh: 3, fw: 2, stride: [3, 2], pad: 'same' },
  {
    n: 2,
    h: 5,
    w: 6,
    ci: 2,
    co: 3,
    fh: 3,
    fw: 3,
    stride: [1, 2],
    pad: [
      [0, 0],
      [1, 2],
      [2, 0],
      [0, 0],
    ],
  },
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
  { n: 4, h: 13, w: 13, ci: 8, co: 16, fh: 3, fw: 3, stride: [2, 2], pad: 'valid' },
  { n: 2, h: 6, w: 5, ci: 3, co: 2, fh: 1, fw: 1, stride: [2, 2], pad: 'same' },
];

const PATHS = [
  ['GEMM (default)', tuning.maxPatchElements],
  ['convolution-only', 0],
] as const;

describe.each(PATHS)('Conv2DBackpropInput [wasm], %s path', (_path, limit) => {
  const saved = tuning.maxPatchElements;
  beforeAll(() => {
    tuning.maxPatchElements = limit;
  });
  afterAll(() => {
    tuning.maxPatchElements = saved;
  });

  it.each(cases.map((c, i) => [i, c] as const))('case %i matches the cpu backend', async (i, c) => {
    const [ho, wo] = [outSize(c, 0), outSize(c, 1)];
    await expectSameAsCpu(
      'Conv2DBackpropInput',
      {
        dy: { shape: [c.n, ho, wo, c.co], seed: 20 + i },
        filter: { shape: [c.fh, c.fw, c.ci, c.co], seed: 60 + i },
      },
      { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', inputShape: [c.n, c.h, c.w, c.ci] },
    );
  });

  it.each([
    [
      {
        n: 2,
        h: 9,
        w: 8,
        ci: 2,
        co: 3,
        fh: 3,
        fw: 3,
        stride: [1, 1],
        dilation: [2, 2],
        pad: 'valid',
      },
    ],
    [
      {
        n: 1,
        h: 9,
        w: 9,
        ci: 3,
        co: 2,
        fh: 3,
        fw: 2,
        stride: [2, 2],
        dilation: [2, 3],
        pad: 'same',
      },
    ],
  ] as [ConvCase][])('supports dilations (naive loop reference) %#', async (c) => {
    await tf.setBackend('wasm');
    const got = runKernelChecked(
      'Conv2DBackpropInput',
      {
        dy: { shape: [c.n, outSize(c, 0), outSize(c, 1), c.co], seed: 4 },
        filter: { shape: [c.fh, c.fw, c.ci, c.co], seed: 5 },
      },
      { strides: c.stride, pad: c.pad, dilations: c.dilation, inputShape: [c.n, c.h, c.w, c.ci] },
    );
    expectAllClose(got.values, naiveConvInputGrad(c, 5, 4), { atol: 1e-4, rtol: 1e-4 });
  });
});

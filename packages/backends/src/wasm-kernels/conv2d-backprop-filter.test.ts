import '@ssl/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expectAllClose } from '@ssl/test-utils';
import { expectSameAsCpu, runKernelChecked } from './compare-with-cpu';
import { naiveConvFilterGrad, type ConvCase, outSize } from './naive-conv';
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
  { n: 4, h: 13, w: 13, ci: 8, co: 16, fh: 3, fw: 3, stride: [2, 2], pad: 'valid' },
  { n: 2, h: 6, w: 5, ci: 3, co: 2, fh: 1, fw: 1, stride: [2, 2], pad: 'same' },
];

const PATHS = [
  ['GEMM', { maxPatchElements: 1 << 22, convChunkBytes: 1 << 22 }],
  ['convolution, whole batch', { maxPatchElements: 0, convChunkBytes: 1 << 22 }],
  ['convolution, one image per chunk', { maxPatchElements: 0, convChunkBytes: 1 }],
] as const;

describe.each(PATHS)('Conv2DBackpropFilter [wasm], %s path', (_path, settings) => {
  const saved = { ...tuning };
  beforeAll(() => {
    Object.assign(tuning, settings);
  });
  afterAll(() => {
    Object.assign(tuning, saved);
  });

  it.each(cases.map((c, i) => [i, c] as const))('case %i matches the cpu backend', async (i, c) => {
    const [ho, wo] = [outSize(c, 0), outSize(c, 1)];
    await expectSameAsCpu(
      'Conv2DBackpropFilter',
      {
        x: { shape: [c.n, c.h, c.w, c.ci], seed: 10 + i },
        dy: { shape: [c.n, ho, wo, c.co], seed: 50 + i },
      },
      { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', filterShape: [c.fh, c.fw, c.ci, c.co] },
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
    const x = { shape: [c.n, c.h, c.w, c.ci], seed: 3 };
    const dy = { shape: [c.n, outSize(c, 0), outSize(c, 1), c.co], seed: 4 };
    const got = runKernelChecked(
      'Conv2DBackpropFilter',
      { x, dy },
      {
        strides: c.stride,
        pad: c.pad,
        dilations: c.dilation,
        filterShape: [c.fh, c.fw, c.ci, c.co],
      },
    );
    expectAllClose(got.values, naiveConvFilterGrad(c, 3, 4), { atol: 1e-4, rtol: 1e-4 });
  });
});

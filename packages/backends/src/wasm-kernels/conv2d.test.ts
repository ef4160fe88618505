import '@ssl/test-utils';
import { expectSameAsCpu, useTuning } from './compare-with-cpu';
import {
  convShapes,
  DILATED_CONV_CASES,
  SIMD_TILE_CONV_CASES,
  UNDILATED_CONV_CASES,
} from './conv-cases';
import type { ConvCase } from './naive-conv';
import { registerWasmTrainingKernels } from './register';

registerWasmTrainingKernels();

// the cpu backend's forward Conv2D supports dilations, so every case is checked against it
const cases: ConvCase[] = [
  ...UNDILATED_CONV_CASES,
  ...DILATED_CONV_CASES,
  // the reference model's layers, batch 3
  { n: 3, h: 28, w: 28, ci: 1, co: 32, fh: 3, fw: 3, stride: [1, 1], pad: 'valid' },
  { n: 3, h: 13, w: 13, ci: 32, co: 64, fh: 3, fw: 3, stride: [1, 1], pad: 'same' },
  { n: 3, h: 6, w: 6, ci: 64, co: 128, fh: 3, fw: 3, stride: [2, 2], pad: 'valid' },
];

describe.each([
  ['SIMD, every channel count', true, 1 << 17, 1],
  ['SIMD, one image per cache block', true, 1, 1],
  ['default routing (SIMD at 8-256 input channels)', true, 1 << 17, 8],
  ['the wasm backend’s own', false, 1 << 17, 1],
] as const)('Conv2D [wasm], %s', (_path, simd, simdBlockFloats, minChannels) => {
  useTuning({ simd, simdBlockFloats, simdConvMinChannels: minChannels, simdConvMaxChannels: 256 });

  // tfjs-backend-wasm 4.22's own Conv2D writes zeros where a strided 'same' convolution
  // with a 3x1 filter pads rows only (SIMD_TILE_CONV_CASES[4], found here): ours is right
  const bug = SIMD_TILE_CONV_CASES[4];
  const stock = (c: ConvCase) => !simd || c.ci < minChannels;
  const checked = cases.map((c, i) => [i, c] as const).filter(([, c]) => !stock(c) || c !== bug);

  it.each(checked)('case %i matches the cpu backend', async (i, c) => {
    const { x, filter } = convShapes(c);
    await expectSameAsCpu(
      'Conv2D',
      { x: { shape: x, seed: 200 + i }, filter: { shape: filter, seed: 300 + i } },
      { strides: c.stride, pad: c.pad, dilations: c.dilation ?? [1, 1], dataFormat: 'NHWC' },
    );
  });
});

describe('FusedConv2D [wasm] without bias or activation (SIMD), and with them (the wasm backend’s)', () => {
  useTuning({ simdConvMinChannels: 1 });
  const c: ConvCase = {
    n: 2,
    h: 7,
    w: 6,
    ci: 5,
    co: 11,
    fh: 3,
    fw: 3,
    stride: [2, 1],
    pad: 'same',
  };
  const { x, filter } = convShapes(c);
  const attrs = { strides: c.stride, pad: c.pad, dilations: [1, 1], dataFormat: 'NHWC' };

  it('plain: matches the cpu backend', () =>
    expectSameAsCpu(
      'FusedConv2D',
      { x: { shape: x, seed: 1 }, filter: { shape: filter, seed: 2 } },
      { ...attrs, activation: 'linear' },
    ));

  it('bias + relu: matches the cpu backend', () =>
    expectSameAsCpu(
      'FusedConv2D',
      {
        x: { shape: x, seed: 3 },
        filter: { shape: filter, seed: 4 },
        bias: { shape: [11], seed: 5 },
      },
      { ...attrs, activation: 'relu' },
    ));
});

import '@ssl/test-utils';
import { expectSameAsCpu, expectWasmMatches } from './compare-with-cpu';
import { convShapes } from './conv-cases';
import { naiveConvFilterGrad, naiveConvInputGrad, type ConvCase } from './naive-conv';
import { registerWasmTrainingKernels } from './register';

registerWasmTrainingKernels();

// `co` is the channel multiplier M here.
const cases: ConvCase[] = [
  { n: 2, h: 7, w: 6, ci: 3, co: 1, fh: 3, fw: 3, stride: [1, 1], pad: 'valid' },
  { n: 3, h: 8, w: 8, ci: 2, co: 2, fh: 3, fw: 3, stride: [2, 2], pad: 'same' },
  { n: 2, h: 9, w: 7, ci: 4, co: 3, fh: 2, fw: 3, stride: [2, 1], pad: 'valid' },
  { n: 1, h: 6, w: 6, ci: 5, co: 1, fh: 5, fw: 5, stride: [1, 1], pad: 'same' },
  { n: 2, h: 7, w: 9, ci: 3, co: 2, fh: 3, fw: 2, stride: [3, 2], pad: 'same' },
  {
    n: 2,
    h: 5,
    w: 6,
    ci: 2,
    co: 1,
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
  { n: 4, h: 12, w: 12, ci: 8, co: 1, fh: 3, fw: 3, stride: [2, 2], pad: 'same' },
].map((c) => ({ ...c, depthwise: true }) as ConvCase);

const dilated: ConvCase[] = [
  {
    n: 2,
    h: 9,
    w: 8,
    ci: 2,
    co: 2,
    fh: 3,
    fw: 3,
    stride: [1, 1],
    dilation: [2, 2],
    pad: 'valid',
    depthwise: true,
  },
  {
    n: 1,
    h: 9,
    w: 9,
    ci: 3,
    co: 1,
    fh: 3,
    fw: 2,
    stride: [1, 1],
    dilation: [2, 3],
    pad: 'same',
    depthwise: true,
  },
];

function attrsOf(c: ConvCase): object {
  return { strides: c.stride, pad: c.pad, dilations: c.dilation ?? [1, 1] };
}

describe('DepthwiseConv2dNativeBackpropFilter [wasm]', () => {
  it.each(cases.map((c, i) => [i, c] as const))('case %i matches the cpu backend', async (i, c) => {
    const { x, dy, filter } = convShapes(c);
    await expectSameAsCpu(
      'DepthwiseConv2dNativeBackpropFilter',
      { x: { shape: x, seed: 30 + i }, dy: { shape: dy, seed: 70 + i } },
      { ...attrsOf(c), filterShape: filter },
    );
  });
  it.each(dilated.map((c) => [c] as const))('supports dilations (naive loop) %#', async (c) => {
    const { x, dy, filter } = convShapes(c);
    await expectWasmMatches(
      'DepthwiseConv2dNativeBackpropFilter',
      { x: { shape: x, seed: 6 }, dy: { shape: dy, seed: 7 } },
      { ...attrsOf(c), filterShape: filter },
      naiveConvFilterGrad(c, 6, 7),
    );
  });
});

describe('DepthwiseConv2dNativeBackpropInput [wasm]', () => {
  it.each(cases.map((c, i) => [i, c] as const))('case %i matches the cpu backend', async (i, c) => {
    const { x, dy, filter } = convShapes(c);
    await expectSameAsCpu(
      'DepthwiseConv2dNativeBackpropInput',
      { dy: { shape: dy, seed: 40 + i }, filter: { shape: filter, seed: 80 + i } },
      { ...attrsOf(c), inputShape: x },
    );
  });
  it.each(dilated.map((c) => [c] as const))('supports dilations (naive loop) %#', async (c) => {
    const { x, dy, filter } = convShapes(c);
    await expectWasmMatches(
      'DepthwiseConv2dNativeBackpropInput',
      { dy: { shape: dy, seed: 8 }, filter: { shape: filter, seed: 9 } },
      { ...attrsOf(c), inputShape: x },
      naiveConvInputGrad(c, 9, 8),
    );
  });
});

import { type ConvCase, outSize } from './naive-conv';

/**
 * Test problems shared by the Conv2DBackpropFilter and Conv2DBackpropInput
 * tests. Each test seeds its inputs by the case's index, so the order of a
 * suite's case list is part of its reference data.
 */

/** Valid/same/explicit padding, square and oblong strides and filters. */
export const BASIC_CONV_CASES: ConvCase[] = [
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
];

/** A larger strided case (more than one chunk of work) and a strided 1x1 filter. */
export const WIDE_AND_POINTWISE_CONV_CASES: ConvCase[] = [
  { n: 4, h: 13, w: 13, ci: 8, co: 16, fh: 3, fw: 3, stride: [2, 2], pad: 'valid' },
  { n: 2, h: 6, w: 5, ci: 3, co: 2, fh: 1, fw: 1, stride: [2, 2], pad: 'same' },
];

/**
 * Channel counts around the SIMD kernels' register tiles (4 rows of dW by 8
 * or 4 output channels, and the leftovers), with padding and strides.
 */
export const SIMD_TILE_CONV_CASES: ConvCase[] = [
  { n: 3, h: 7, w: 7, ci: 4, co: 8, fh: 3, fw: 3, stride: [1, 1], pad: 'same' },
  { n: 2, h: 6, w: 7, ci: 5, co: 13, fh: 3, fw: 3, stride: [1, 1], pad: 'valid' },
  { n: 5, h: 9, w: 8, ci: 1, co: 12, fh: 3, fw: 3, stride: [2, 2], pad: 'same' },
  { n: 2, h: 8, w: 8, ci: 7, co: 37, fh: 2, fw: 2, stride: [2, 2], pad: 'valid' },
  { n: 3, h: 6, w: 6, ci: 16, co: 3, fh: 3, fw: 1, stride: [1, 2], pad: 'same' },
];

/** Dilated convolutions, checked against the naive loop (the cpu backend has no dilated backprops). */
export const DILATED_CONV_CASES: ConvCase[] = [
  { n: 2, h: 9, w: 8, ci: 2, co: 3, fh: 3, fw: 3, stride: [1, 1], dilation: [2, 2], pad: 'valid' },
  { n: 1, h: 9, w: 9, ci: 3, co: 2, fh: 3, fw: 2, stride: [2, 2], dilation: [2, 3], pad: 'same' },
];

/**
 * Shapes of the forward convolution's tensors: x [N, H, W, Ci], filter
 * [fh, fw, Ci, Co] and dy [N, Ho, Wo, Co] (depthwise: filter [fh, fw, C, M],
 * dy [N, Ho, Wo, C*M]).
 */
export function convShapes(c: ConvCase): { x: number[]; filter: number[]; dy: number[] } {
  const outChannels = c.depthwise ? c.ci * c.co : c.co;
  return {
    x: [c.n, c.h, c.w, c.ci],
    filter: [c.fh, c.fw, c.ci, c.co],
    dy: [c.n, outSize(c, 0), outSize(c, 1), outChannels],
  };
}

/** Every undilated case, in the order the filter-gradient and forward suites seed them. */
export const UNDILATED_CONV_CASES: ConvCase[] = [
  ...BASIC_CONV_CASES,
  ...WIDE_AND_POINTWISE_CONV_CASES,
  ...SIMD_TILE_CONV_CASES,
];

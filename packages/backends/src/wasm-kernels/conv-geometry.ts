import * as tf from '@tensorflow/tfjs-core';
import { pair } from './wasm-ops';

/**
 * Index arithmetic that turns the two backward passes of a convolution into
 * forward convolutions, one spatial axis at a time. Notation for one axis:
 * input length `inSize`, filter length `filter`, dilation `dilation`, stride
 * `stride`, padding before `padBefore`, output length `outSize`. The forward
 * convolution reads x[i*stride + a*dilation - padBefore] for output i, tap a.
 */
export interface AxisConv {
  inSize: number;
  filter: number;
  dilation: number;
  stride: number;
  padBefore: number;
  outSize: number;
}

/**
 * Gradient w.r.t. the input, as a stride-1 convolution of the zero-inserted
 * dy (length (outSize-1)*stride+1) with the reversed filter dilated by
 * `dilation`: dx[y] = sum_a dyd[y + padBefore - a*dilation] * w[a].
 * Rows of dyd that no dx reads are cropped (`begin`, `size`) so that both
 * paddings are non-negative; the result has length `inSize`.
 */
export function inputGradAxis(g: AxisConv): {
  begin: number;
  size: number;
  padBefore: number;
  padAfter: number;
} {
  const length = (g.outSize - 1) * g.stride + 1;
  const reach = (g.filter - 1) * g.dilation;
  const padBefore = reach - g.padBefore;
  const begin = Math.max(0, -padBefore);
  const end = Math.min(length, g.inSize + g.padBefore);
  return {
    begin,
    size: Math.max(0, end - begin),
    padBefore: Math.max(0, padBefore),
    padAfter: g.inSize + g.padBefore - end,
  };
}

/**
 * Gradient w.r.t. the filter, as a convolution of x (batch and channels
 * swapped) with dy as the filter: stride and dilation trade places,
 * dw[a] = sum_i x[a*dilation + i*stride - padBefore] * dy[i].
 * Returns the padding after x that makes the output at least `filter` long;
 * the caller crops the output to `filter` when it is longer (`outLength`).
 */
export function filterGradAxis(g: AxisConv): { padAfter: number; outLength: number } {
  const needed = (g.filter - 1) * g.dilation + (g.outSize - 1) * g.stride + 1;
  const padAfter = Math.max(0, needed - g.inSize - g.padBefore);
  const span = g.inSize + g.padBefore + padAfter - ((g.outSize - 1) * g.stride + 1);
  return { padAfter, outLength: Math.floor(span / g.dilation) + 1 };
}

/** The attrs that every convolution backprop kernel reads to rebuild its forward convolution. */
export type BackpropConvAttrs = Pick<
  tf.Conv2DBackpropFilterAttrs,
  'strides' | 'pad' | 'dimRoundingMode'
> & {
  dilations?: number | number[];
};

/**
 * The geometry of the forward convolution (NHWC) whose gradient a backprop
 * kernel computes: input `inShape` [N, H, W, Ci], filter `filterShape`
 * [fh, fw, Ci, Co] (depthwise: [fh, fw, C, M]); dilations default to 1.
 */
export function backpropConvInfo(
  inShape: number[],
  filterShape: number[],
  attrs: BackpropConvAttrs,
  depthwise = false,
): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    inShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    pair(attrs.dilations),
    attrs.pad,
    attrs.dimRoundingMode,
    depthwise,
  );
}

/** The forward convolution's two spatial axes: rows (height), then columns (width). */
export function convAxes(info: tf.backend_util.Conv2DInfo): [AxisConv, AxisConv] {
  return [
    {
      inSize: info.inHeight,
      filter: info.filterHeight,
      dilation: info.dilationHeight,
      stride: info.strideHeight,
      padBefore: info.padInfo.top,
      outSize: info.outHeight,
    },
    {
      inSize: info.inWidth,
      filter: info.filterWidth,
      dilation: info.dilationWidth,
      stride: info.strideWidth,
      padBefore: info.padInfo.left,
      outSize: info.outWidth,
    },
  ];
}

/**
 * Attrs of the forward convolution that yields the filter gradient of `info`
 * (see {@link filterGradAxis}): x as the input, dy as the filter, stride and
 * dilation traded, padded after so that the output is at least
 * [fh, fw] (the caller crops it). Shared by the regular and the depthwise
 * filter gradients.
 */
export function filterGradConvAttrs(info: tf.backend_util.Conv2DInfo): tf.NamedAttrMap {
  const [rows, cols] = convAxes(info).map(filterGradAxis);
  return {
    strides: [info.dilationHeight, info.dilationWidth],
    dilations: [info.strideHeight, info.strideWidth],
    pad: [
      [0, 0],
      [info.padInfo.top, rows.padAfter],
      [info.padInfo.left, cols.padAfter],
      [0, 0],
    ],
    dataFormat: 'NHWC',
  };
}

import * as tf from '@tensorflow/tfjs-core';
import { transposedConv } from './conv2d-backprop-input';
import { backpropConvInfo } from './conv-geometry';
import { WasmOps, type WasmKernelArgs } from './wasm-ops';

/**
 * DepthwiseConv2dNativeBackpropInput for 'wasm' (which ships none): the
 * zero-inserted dy, [N, H', W', C*M], convolved depthwise at stride 1 with
 * the spatially reversed filter as [fh, fw, C*M, 1], then summed over the
 * channel multiplier M.
 *
 * dx[n,y,x,c] = sum_{a,b,m} dyd[n, y + padTop - a*dh, x + padLeft - b*dw, c*M+m] * W[a,b,c,m]
 */
export function depthwiseConv2dNativeBackpropInput({
  inputs,
  backend,
  attrs = {},
}: WasmKernelArgs): tf.TensorInfo {
  const { dy, filter } = inputs;
  const conv = attrs as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs;
  const info = backpropConvInfo(conv.inputShape, filter.shape, conv, true);
  const [fh, fw, c, m] = filter.shape;
  const [n, h, w] = conv.inputShape;
  const ops = new WasmOps(backend);
  try {
    const wRev = ops.run('Reverse', { x: filter }, { dims: [0, 1] }); // [fh, fw, C, M]
    const wFlat = ops.reshape(wRev, [fh, fw, c * m, 1]); // [fh, fw, C*M, 1]
    const dxm = transposedConv(ops, dy, wFlat, info, 'DepthwiseConv2dNative'); // [N, H, W, C*M]
    if (m === 1) return ops.keep(dxm);
    const split = ops.reshape(dxm, [n, h, w, c, m]); // [N, H, W, C, M]
    return ops.keep(ops.run('Sum', { x: split }, { axis: [4], keepDims: false })); // [N, H, W, C]
  } finally {
    ops.dispose();
  }
}

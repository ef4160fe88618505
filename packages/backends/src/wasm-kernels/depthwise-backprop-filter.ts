import * as tf from '@tensorflow/tfjs-core';
import { backpropConvInfo, filterGradConvAttrs } from './conv-geometry';
import { WasmOps, type WasmKernelArgs } from './wasm-ops';

/**
 * DepthwiseConv2dNativeBackpropFilter for 'wasm' (which ships none), by the
 * wasm backend's own depthwise convolution: x as one image [1, H, W, N*C]
 * (every (image, channel) pair a channel of its own) convolved depthwise with
 * dy as a [Ho, Wo, N*C, M] filter, stride and dilation swapped, gives
 * [1, fh, fw, N*C*M]; summing over N gives dW [fh, fw, C, M].
 *
 * dW[a,b,c,m] = sum_{n,i,j} x[n, i*sh + a*dh - padTop, j*sw + b*dw - padLeft, c] * dy[n,i,j,c*M+m]
 */
export function depthwiseConv2dNativeBackpropFilter({
  inputs,
  backend,
  attrs = {},
}: WasmKernelArgs): tf.TensorInfo {
  const { x, dy } = inputs;
  const conv = attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
  const info = backpropConvInfo(x.shape, conv.filterShape, conv, true);
  const [n, h, w, c] = x.shape;
  const [fh, fw, , m] = conv.filterShape;
  const [, ho, wo] = dy.shape;
  const ops = new WasmOps(backend);
  try {
    const xT = ops.transpose(x, [1, 2, 0, 3]); // [H, W, N, C]
    const xImg = ops.reshape(xT, [1, h, w, n * c]); // [1, H, W, N*C]
    const dy5 = ops.reshape(dy, [n, ho, wo, c, m]); // [N, Ho, Wo, C, M]
    const dyT = ops.transpose(dy5, [1, 2, 0, 3, 4]); // [Ho, Wo, N, C, M]
    const dyF = ops.reshape(dyT, [ho, wo, n * c, m]); // [Ho, Wo, N*C, M]
    const full = ops.run(
      'DepthwiseConv2dNative',
      { x: xImg, filter: dyF },
      filterGradConvAttrs(info),
    ); // [1, >=fh, >=fw, N*C*M]
    const dwAll = ops.slice(full, [0, 0, 0, 0], [1, fh, fw, n * c * m]); // [1, fh, fw, N*C*M]
    const perImage = ops.reshape(dwAll, [fh, fw, n, c * m]); // [fh, fw, N, C*M]
    const dw = ops.run('Sum', { x: perImage }, { axis: [2], keepDims: false }); // [fh, fw, C*M]
    return ops.keep(ops.reshape(dw, [fh, fw, c, m])); // [fh, fw, C, M]
  } finally {
    ops.dispose();
  }
}

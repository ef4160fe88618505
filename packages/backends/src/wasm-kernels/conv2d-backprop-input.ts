import * as tf from '@tensorflow/tfjs-core';
import { backpropConvInfo, convAxes, inputGradAxis, type BackpropConvAttrs } from './conv-geometry';
import { imageBlock } from './conv2d';
import { col2im, patchMatrixSize } from './im2col';
import { heapAddress, simdKernels, type SimdKernels } from './simd/module';
import { tuning } from './tuning';
import { assertChannelsLast, WasmOps, zeroInsert, type WasmKernelArgs } from './wasm-ops';

/**
 * Conv2DBackpropInput for 'wasm' (the wasm backend's own version is a plain
 * loop). Where the SIMD module runs: the kernel `conv2d_input_grad`, one GEMM
 * per filter tap scattered into a padded frame, then cropped — for every
 * stride (strided and 1x1 convolutions multiply no inserted zeros; at stride
 * 1 it needs no reversed filter and no padded dy: 2x faster than the
 * convolution below on ResNet-18's 3x3x512x512). Without it: stride 1, a
 * forward Conv2D of dy with the filter reversed in space and its channel
 * axes swapped ([fh, fw, Co, Ci]); larger strides, a GEMM of dy
 * [N*Ho*Wo, Co] with the filter as [Co, fh*fw*Ci], then col2im (while the
 * patch matrix fits `tuning.maxPatchElements`; otherwise the zero-inserted
 * convolution).
 *
 * dx[n,y,x,ci] = sum_{a,b,co} dyd[n, y + padTop - a*dh, x + padLeft - b*dw, co] * W[a,b,ci,co]
 */
export function conv2DBackpropInput({
  inputs,
  backend,
  attrs = {},
}: WasmKernelArgs): tf.TensorInfo {
  const { dy, filter } = inputs;
  const conv = attrs as unknown as tf.Conv2DBackpropInputAttrs & BackpropConvAttrs;
  assertChannelsLast('Conv2DBackpropInput', conv.dataFormat);
  const info = backpropConvInfo(conv.inputShape, filter.shape, conv);
  const ops = new WasmOps(backend);
  const strided = info.strideHeight > 1 || info.strideWidth > 1;
  try {
    const simd = dy.dtype === 'float32' ? simdKernels(backend) : null;
    if (simd != null) return ops.keep(bySimd(simd, ops, dy, filter, info));
    if (strided && patchMatrixSize(info) <= tuning.maxPatchElements)
      return ops.keep(byGemm(ops, dy, filter, info));
    const wRev = ops.run('Reverse', { x: filter }, { dims: [0, 1] }); // [fh, fw, Ci, Co]
    const wT = ops.transpose(wRev, [0, 1, 3, 2]); // [fh, fw, Co, Ci]
    return ops.keep(transposedConv(ops, dy, wT, info, 'Conv2D'));
  } finally {
    ops.dispose();
  }
}

/**
 * The SIMD kernel: dx scattered tap by tap into a frame [N, hp, wp, Ci] that
 * every tap reaches (the forward convolution's padded input), then cropped
 * to [N, H, W, Ci] (written in place when the frame is dx itself).
 */
function bySimd(
  simd: SimdKernels,
  ops: WasmOps,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outChannels: co } = info;
  const { filterHeight: fh, filterWidth: fw, outHeight: ho, outWidth: wo } = info;
  const { top, left } = info.padInfo;
  const hp = (ho - 1) * info.strideHeight + (fh - 1) * info.dilationHeight + 1;
  const wp = (wo - 1) * info.strideWidth + (fw - 1) * info.dilationWidth + 1;
  const wt = ops.transpose(filter, [0, 1, 3, 2]); // [fh, fw, Co, Ci]
  const dx = ops.alloc(info.inShape); // [N, H, W, Ci]
  const inPlace = top === 0 && left === 0 && hp === h && wp === w;
  const frame = inPlace ? dx : ops.alloc([n, hp, wp, ci]);
  ops.view(frame).fill(0); // views after the last allocation
  simd.conv2d_input_grad(
    heapAddress(ops.view(dy)),
    n,
    ho,
    wo,
    co,
    heapAddress(ops.view(wt)),
    fh,
    fw,
    ci,
    info.strideHeight,
    info.strideWidth,
    info.dilationHeight,
    info.dilationWidth,
    heapAddress(ops.view(frame)),
    hp,
    wp,
    imageBlock(hp * wp * ci + ho * wo * co),
  );
  if (!inPlace) {
    simd.crop_nhwc(
      heapAddress(ops.view(frame)),
      n,
      hp,
      wp,
      ci,
      heapAddress(ops.view(dx)),
      h,
      w,
      top,
      left,
    );
  }
  return dx;
}

/** dy [N*Ho*Wo, Co] times the filter as [Co, fh*fw*Ci] gives patch rows; col2im adds them up. */
function byGemm(
  ops: WasmOps,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { filterHeight: fh, filterWidth: fw, inChannels: ci, outChannels: co } = info;
  const k = info.batchSize * info.outHeight * info.outWidth;
  const wT = ops.transpose(ops.reshape(filter, [fh * fw * ci, co]), [1, 0]); // [Co, fh*fw*Ci]
  const cols = ops.matMul(ops.reshape(dy, [k, co]), wT); // [N*Ho*Wo, fh*fw*Ci]
  const dx = ops.alloc(info.inShape); // [N, H, W, Ci]
  const out = ops.view(dx);
  out.fill(0);
  col2im(ops.view(cols), info, out);
  return dx;
}

/**
 * The stride-1 convolution of zero-inserted `dy` with an already reversed
 * filter that returns the input gradient of the forward convolution `info`
 * (shared by the regular and the depthwise input gradients).
 */
export function transposedConv(
  ops: WasmOps,
  dy: tf.TensorInfo,
  reversedFilter: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
  kernel: 'Conv2D' | 'DepthwiseConv2dNative',
): tf.TensorInfo {
  const [rows, cols] = convAxes(info).map(inputGradAxis);
  const spread = zeroInsert(ops, dy, info.strideHeight, info.strideWidth); // [N, (Ho-1)*sh+1, (Wo-1)*sw+1, C]
  const [n, , , c] = spread.shape;
  const cropped = ops.slice(spread, [0, rows.begin, cols.begin, 0], [n, rows.size, cols.size, c]);
  return ops.run(
    kernel,
    { x: cropped, filter: reversedFilter },
    {
      strides: [1, 1],
      dilations: [info.dilationHeight, info.dilationWidth],
      pad: [
        [0, 0],
        [rows.padBefore, rows.padAfter],
        [cols.padBefore, cols.padAfter],
        [0, 0],
      ],
      dataFormat: 'NHWC',
    },
  ); // [N, H, W, Ci * (depthwise: multiplier)]
}

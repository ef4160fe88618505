import * as tf from '@tensorflow/tfjs-core';
import { backpropConvInfo, type BackpropConvAttrs } from './conv-geometry';
import { heapAddress, simdKernels, type SimdKernels } from './simd/module';
import { stockKernel } from './stock-kernels';
import { tuning } from './tuning';
import { WasmOps, type WasmKernelArgs } from './wasm-ops';

/**
 * Conv2D for 'wasm' on the SIMD module (native/kernels.c): a direct
 * convolution over x (zero-padded first when the convolution pads) with
 * 4-pixel x 8-channel register tiles, faster than the wasm backend's
 * XNNPACK convolution at 8-256 input channels (`tuning.simdConvMinChannels`,
 * `simdConvMaxChannels`). Where the SIMD module does not run, outside those
 * channels, or for anything but float32 NHWC, the wasm backend's own Conv2D.
 * The other convolution kernels of this package call it too.
 *
 * out[n,i,j,co] = sum_{a,b,ci} x[n, i*sh + a*dh - padTop, j*sw + b*dw - padLeft, ci] * W[a,b,ci,co]
 */
export function conv2D(args: WasmKernelArgs): tf.TensorInfo {
  const { inputs, backend, attrs = {} } = args;
  const { x, filter } = inputs;
  const conv = attrs as unknown as tf.Conv2DAttrs & BackpropConvAttrs;
  const format = conv.dataFormat;
  const channelsLast = format == null || format === 'NHWC';
  const ci = x.shape[3];
  const ours =
    channelsLast &&
    x.dtype === 'float32' &&
    ci >= tuning.simdConvMinChannels &&
    ci <= tuning.simdConvMaxChannels;
  const simd = ours ? simdKernels(backend) : null;
  if (simd == null) {
    return stockKernel('Conv2D')(args as unknown as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
  }
  const info = backpropConvInfo(x.shape, filter.shape, conv);
  const ops = new WasmOps(backend);
  try {
    return ops.keep(forward(simd, ops, x, filter, info));
  } finally {
    ops.dispose();
  }
}

/**
 * x padded so that every tap of `info` reads inside it, as [N, hp, wp, Ci]
 * with hp, wp the rows and columns the taps reach from -padTop / -padLeft;
 * x itself (and its own H, W) when no padding is needed.
 */
export function paddedInput(
  simd: SimdKernels,
  ops: WasmOps,
  x: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): { xp: tf.TensorInfo; hp: number; wp: number } {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci } = info;
  const { top, left } = info.padInfo;
  const hp =
    (info.outHeight - 1) * info.strideHeight + (info.filterHeight - 1) * info.dilationHeight + 1;
  const wp =
    (info.outWidth - 1) * info.strideWidth + (info.filterWidth - 1) * info.dilationWidth + 1;
  if (top <= 0 && left <= 0 && hp <= h && wp <= w) return { xp: x, hp: h, wp: w };
  const xp = ops.alloc([n, hp, wp, ci]);
  simd.pad_nhwc(
    heapAddress(ops.view(x)),
    n,
    h,
    w,
    ci,
    heapAddress(ops.view(xp)),
    hp,
    wp,
    top,
    left,
  );
  return { xp, hp, wp };
}

function forward(
  simd: SimdKernels,
  ops: WasmOps,
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { xp, hp, wp } = paddedInput(simd, ops, x, info);
  const out = ops.alloc(info.outShape);
  simd.conv2d_forward(
    heapAddress(ops.view(xp)),
    info.batchSize,
    hp,
    wp,
    info.inChannels,
    heapAddress(ops.view(filter)),
    info.filterHeight,
    info.filterWidth,
    info.outChannels,
    info.outHeight,
    info.outWidth,
    info.strideHeight,
    info.strideWidth,
    info.dilationHeight,
    info.dilationWidth,
    imageBlock(hp * wp * info.inChannels + info.outHeight * info.outWidth * info.outChannels),
    heapAddress(ops.view(out)),
  );
  return out;
}

/** Images per cache block of the SIMD convolutions, for `floatsPerImage` of input and output. */
export function imageBlock(floatsPerImage: number): number {
  return Math.max(1, Math.floor(tuning.simdBlockFloats / floatsPerImage));
}

/**
 * FusedConv2D (what tfjs-layers' conv2d runs) on {@link conv2D} when it fuses
 * nothing — no bias, linear activation: ResNet's convolutions, each followed
 * by batch norm. Everything else goes to the wasm backend's own FusedConv2D.
 */
export function fusedConv2D(args: WasmKernelArgs): tf.TensorInfo {
  const { inputs, attrs = {} } = args;
  const { activation } = attrs as unknown as tf.FusedConv2DAttrs;
  const plain =
    inputs.bias == null &&
    inputs.preluActivationWeights == null &&
    (activation == null || activation === 'linear');
  if (!plain) {
    return stockKernel('FusedConv2D')(
      args as unknown as Parameters<tf.KernelFunc>[0],
    ) as tf.TensorInfo;
  }
  return conv2D({ ...args, inputs: { x: inputs.x, filter: inputs.filter } });
}

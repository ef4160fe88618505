import * as tf from '@tensorflow/tfjs-core';
import { paddedInput } from './conv2d';
import { backpropConvInfo, filterGradConvAttrs, type BackpropConvAttrs } from './conv-geometry';
import { im2col, patchMatrixSize } from './im2col';
import { heapAddress, simdKernels, type SimdKernels } from './simd/module';
import { tuning } from './tuning';
import { assertChannelsLast, WasmOps, type WasmKernelArgs } from './wasm-ops';

/**
 * Conv2DBackpropFilter for 'wasm' (which ships none).
 *
 * dW[a,b,ci,co] = sum_{n,i,j} x[n, i*sh + a*dh - padTop, j*sw + b*dw - padLeft, ci] * dy[n,i,j,co]
 *
 * Where the WASM SIMD module runs (see simd/module.ts), one pass of
 * native/kernels.c over x (zero-padded first when the convolution pads) and
 * dy, with no patch matrix: 4x8 register tiles of dW, summed over blocks of
 * images that stay in cache. Otherwise two exact ways, both on XNNPACK: (1) GEMM — the transposed patch matrix
 * of x (im2col, [N*Ho*Wo, fh*fw*Ci], transposed) times dy as [N*Ho*Wo, Co];
 * used while the patch matrix has at most `tuning.maxPatchElements` elements
 * (it is built twice: as is and transposed); (2) otherwise forward Conv2Ds
 * of x as [Ci, H, W, n] (batch and channels swapped) with dy as a
 * [Ho, Wo, n, Co] filter, stride and dilation traded, which yield dW as
 * [Ci, fh, fw, Co], summed over chunks of n images (so that this filter
 * stays in cache); it needs little memory beyond the chunks.
 */
export function conv2DBackpropFilter({
  inputs,
  backend,
  attrs = {},
}: WasmKernelArgs): tf.TensorInfo {
  const { x, dy } = inputs;
  const conv = attrs as unknown as tf.Conv2DBackpropFilterAttrs & BackpropConvAttrs;
  assertChannelsLast('Conv2DBackpropFilter', conv.dataFormat);
  const info = backpropConvInfo(x.shape, conv.filterShape, conv);
  const ops = new WasmOps(backend);
  try {
    const simd = simdKernels(backend);
    if (simd != null) return ops.keep(bySimd(simd, ops, x, dy, info));
    const dw =
      patchMatrixSize(info) <= tuning.maxPatchElements
        ? byGemm(ops, x, dy, info)
        : byConv(ops, x, dy, info);
    return ops.keep(dw);
  } finally {
    ops.dispose();
  }
}

function bySimd(
  simd: SimdKernels,
  ops: WasmOps,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { filterHeight: fh, filterWidth: fw, inChannels: ci, outChannels: co, batchSize } = info;
  const { outHeight: ho, outWidth: wo } = info;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dwd } = info;
  const { xp: src, hp: srcH, wp: srcW } = paddedInput(simd, ops, x, info);
  const dw = ops.alloc([fh, fw, ci, co]);
  const out = ops.view(dw);
  out.fill(0);
  const block = Math.max(1, Math.floor(tuning.simdBlockFloats / (srcH * srcW * ci + ho * wo * co)));
  simd.conv2d_filter_grad(
    heapAddress(ops.view(src)),
    batchSize,
    srcH,
    srcW,
    ci,
    heapAddress(ops.view(dy)),
    ho,
    wo,
    co,
    fh,
    fw,
    sh,
    sw,
    dh,
    dwd,
    block,
    heapAddress(out),
  );
  return dw;
}

function byGemm(
  ops: WasmOps,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { filterHeight: fh, filterWidth: fw, inChannels: ci, outChannels: co } = info;
  const k = info.batchSize * info.outHeight * info.outWidth;
  const cols = ops.alloc([k, fh * fw * ci]); // [N*Ho*Wo, fh*fw*Ci]
  im2col(ops.view(x), info, ops.view(cols));
  const colsT = ops.transpose(cols, [1, 0]); // [fh*fw*Ci, N*Ho*Wo]
  const dw = ops.matMul(colsT, ops.reshape(dy, [k, co])); // [fh*fw*Ci, Co]
  return ops.reshape(dw, [fh, fw, ci, co]);
}

function byConv(
  ops: WasmOps,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { filterHeight: fh, filterWidth: fw, inChannels: ci, outChannels: co, batchSize } = info;
  const { inHeight: h, inWidth: w, outHeight: ho, outWidth: wo } = info;
  const dyImage = ho * wo * co;
  const xImage = h * w * ci;
  const perChunk = Math.max(1, Math.floor(tuning.convChunkBytes / 4 / dyImage));
  const convAttrs = filterGradConvAttrs(info);
  const acc = new Float32Array(fh * fw * ci * co); // [fh, fw, Ci, Co]
  for (let first = 0; first < batchSize; first += perChunk) {
    const count = Math.min(perChunk, batchSize - first);
    const chunk = new WasmOps(ops.backend);
    try {
      const xc = chunk.alloc([count, h, w, ci]);
      chunk.view(xc).set(chunk.view(x).subarray(first * xImage, (first + count) * xImage));
      const dyc = chunk.alloc([count, ho, wo, co]);
      chunk.view(dyc).set(chunk.view(dy).subarray(first * dyImage, (first + count) * dyImage));
      const xT = chunk.transpose(xc, [3, 1, 2, 0]); // [Ci, H, W, count]
      const dyT = chunk.transpose(dyc, [1, 2, 0, 3]); // [Ho, Wo, count, Co]
      const full = chunk.run('Conv2D', { x: xT, filter: dyT }, convAttrs); // [Ci, oh >= fh, ow >= fw, Co]
      const part = chunk.view(full);
      const [, oh, ow] = full.shape;
      for (let c = 0; c < ci; c++)
        for (let a = 0; a < fh; a++)
          for (let b = 0; b < fw; b++) {
            const src = ((c * oh + a) * ow + b) * co;
            const dst = ((a * fw + b) * ci + c) * co;
            for (let o = 0; o < co; o++) acc[dst + o] += part[src + o];
          }
    } finally {
      chunk.dispose();
    }
  }
  const dw = ops.alloc([fh, fw, ci, co]);
  ops.view(dw).set(acc);
  return dw;
}

import * as tf from '@tensorflow/tfjs-core';
import { heapAddress, simdKernels } from './simd/module';
import type { WasmKernelArgs } from './wasm-ops';

/**
 * MaxPoolGrad for 'wasm', one pass over the windows: for every window and
 * channel find the first position that holds the maximum (row-major order,
 * as the cpu backend does) and add dy there. Padded positions never win.
 * It replaces the wasm backend's own version, which is several times slower.
 * The common 2x2 window at stride 2 runs in native/kernels.c (SIMD) where
 * that module runs, else in JavaScript.
 *
 * dx[n, argmax_window(o), c] += dy[n, o, c] for every output position o
 */
export function maxPoolGrad({ inputs, backend, attrs = {} }: WasmKernelArgs): tf.TensorInfo {
  const { dy, input } = inputs;
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as tf.MaxPoolGradAttrs;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth } = info;
  const { strideHeight, strideWidth, filterHeight, filterWidth, dilationHeight, dilationWidth } =
    info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;

  const plain2x2 =
    filterHeight === 2 &&
    filterWidth === 2 &&
    strideHeight === 2 &&
    strideWidth === 2 &&
    padTop === 0 &&
    padLeft === 0 &&
    dilationHeight === 1 &&
    dilationWidth === 1;
  const simd = plain2x2 ? simdKernels(backend) : null; // before the views: its first call allocates
  const out = backend.makeOutput(input.shape, 'float32');
  const dx = backend.typedArrayFromHeap(out) as Float32Array;
  const x = backend.typedArrayFromHeap(input) as Float32Array;
  const g = backend.typedArrayFromHeap(dy) as Float32Array;
  if (simd != null) {
    const [addX, addDy, addDx] = [x, g, dx].map(heapAddress);
    simd.max_pool_grad_2x2(addX, addDy, addDx, batchSize, inHeight, inWidth, c);
    return out;
  }
  dx.fill(0);
  if (plain2x2) {
    pool2x2Grad(x, g, dx, batchSize, inHeight, inWidth, c, outHeight, outWidth);
    return out;
  }
  const best = new Float32Array(c);
  const where = new Int32Array(c);
  const rowStride = inWidth * c;
  for (let n = 0; n < batchSize; n++) {
    const xBase = n * inHeight * rowStride;
    for (let oy = 0; oy < outHeight; oy++) {
      const y0 = oy * strideHeight - padTop;
      for (let ox = 0; ox < outWidth; ox++) {
        const x0 = ox * strideWidth - padLeft;
        best.fill(-Infinity);
        where.fill(-1);
        for (let a = 0; a < filterHeight; a++) {
          const y = y0 + a * dilationHeight;
          if (y < 0 || y >= inHeight) continue;
          for (let b = 0; b < filterWidth; b++) {
            const xc = x0 + b * dilationWidth;
            if (xc < 0 || xc >= inWidth) continue;
            const p = xBase + y * rowStride + xc * c;
            for (let k = 0; k < c; k++) {
              const v = x[p + k];
              if (v > best[k]) {
                best[k] = v;
                where[k] = p + k;
              }
            }
          }
        }
        const gBase = ((n * outHeight + oy) * outWidth + ox) * c;
        for (let k = 0; k < c; k++) if (where[k] >= 0) dx[where[k]] += g[gBase + k];
      }
    }
  }
  return out;
}

/**
 * The common 2x2 window at stride 2 without padding: windows do not overlap,
 * so each window's winner takes dy directly; four loads and compares per value.
 */
function pool2x2Grad(
  x: Float32Array,
  g: Float32Array,
  dx: Float32Array,
  batchSize: number,
  inHeight: number,
  inWidth: number,
  c: number,
  outHeight: number,
  outWidth: number,
): void {
  const row = inWidth * c;
  let q = 0;
  for (let n = 0; n < batchSize; n++) {
    const base = n * inHeight * row;
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++) {
        const p00 = base + 2 * oy * row + 2 * ox * c;
        const p01 = p00 + c;
        const p10 = p00 + row;
        const p11 = p10 + c;
        for (let k = 0; k < c; k++, q++) {
          // first maximum in row-major order wins, as on cpu (-Infinity and NaN never do)
          let at = -1;
          let best = -Infinity;
          if (x[p00 + k] > best) {
            at = p00 + k;
            best = x[at];
          }
          if (x[p01 + k] > best) {
            at = p01 + k;
            best = x[at];
          }
          if (x[p10 + k] > best) {
            at = p10 + k;
            best = x[at];
          }
          if (x[p11 + k] > best) at = p11 + k;
          if (at >= 0) dx[at] = g[q];
        }
      }
    }
  }
}

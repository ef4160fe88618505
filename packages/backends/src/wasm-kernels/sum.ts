import * as tf from '@tensorflow/tfjs-core';
import { heapAddress, simdKernels } from './simd/module';
import { stockKernel } from './stock-kernels';
import type { WasmKernelArgs } from './wasm-ops';

/**
 * Sum for 'wasm' when it reduces leading axes of a float32 tensor, such as the
 * bias gradient of a convolution (dy [N, H, W, C] summed over N, H, W): one
 * pass adding rows, where the wasm backend's own Sum first transposes the
 * reduced axes to the end. Every other case goes to the wasm backend's Sum.
 *
 * Where the SIMD module runs (native/kernels.c), float32 vectors add blocks
 * of 256 rows and float64 sums the blocks; else float64 throughout in JavaScript.
 *
 * out[k] = sum_r x[r, k]  with x viewed as [rows, inner]
 */
export function sum(args: WasmKernelArgs): tf.TensorInfo {
  const { inputs, backend, attrs = {} } = args;
  const { x } = inputs;
  const { axis, keepDims } = attrs as unknown as tf.SumAttrs;
  const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
  const leading = axes.length > 0 && axes.length < x.shape.length && axes.every((a, i) => a === i);
  if (!leading || x.dtype !== 'float32') {
    return stockKernel('Sum')(args as unknown as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
  }
  const r = axes.length;
  const rows = tf.util.sizeFromShape(x.shape.slice(0, r));
  const inner = tf.util.sizeFromShape(x.shape.slice(r));
  const shape = keepDims ? x.shape.map((d, i) => (i < r ? 1 : d)) : x.shape.slice(r);
  const out = backend.makeOutput(shape, 'float32');
  const simd = simdKernels(backend);
  if (simd != null) {
    const acc = backend.makeOutput([2 * inner], 'float32'); // inner float64 partial sums
    try {
      const [addX, addAcc, addOut] = [x, acc, out].map((t) =>
        heapAddress(backend.typedArrayFromHeap(t)),
      );
      simd.sum_rows(addX, rows, inner, addAcc, addOut);
    } finally {
      backend.disposeData(acc.dataId);
    }
    return out;
  }
  const dst = backend.typedArrayFromHeap(out) as Float32Array;
  const src = backend.typedArrayFromHeap(x) as Float32Array;
  const acc = new Float64Array(inner);
  for (let row = 0, p = 0; row < rows; row++) {
    for (let k = 0; k < inner; k++, p++) acc[k] += src[p];
  }
  dst.set(acc);
  return out;
}

import * as tf from '@tensorflow/tfjs-core';
import { stockKernel } from './stock-kernels';
import { WasmOps, type WasmKernelArgs } from './wasm-ops';

/**
 * BatchMatMul for 'wasm' with transposed operands: the wasm backend's own
 * kernel takes XNNPACK's fast path only when neither operand is transposed
 * (transposeA/transposeB run a plain loop, 10x slower), so transpose
 * explicitly first. The gradients of every matMul/dense layer ask for it.
 *
 * out[b] = op(a[b]) @ op(bb[b]), op = transpose when asked
 */
export function batchMatMul(args: WasmKernelArgs): tf.TensorInfo {
  const { inputs, backend, attrs = {} } = args;
  const { transposeA, transposeB } = attrs as unknown as tf.BatchMatMulAttrs;
  const stock = stockKernel('BatchMatMul');
  if (!transposeA && !transposeB)
    return stock(args as unknown as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
  const ops = new WasmOps(backend);
  try {
    const flip = (t: tf.TensorInfo): tf.TensorInfo => {
      const perm = t.shape.map((_, i) => i);
      const n = perm.length;
      [perm[n - 2], perm[n - 1]] = [perm[n - 1], perm[n - 2]];
      return ops.transpose(t, perm);
    };
    const a = transposeA ? flip(inputs.a) : inputs.a;
    const b = transposeB ? flip(inputs.b) : inputs.b;
    return stock({
      inputs: { a, b },
      backend: backend as unknown as tf.KernelBackend,
      attrs: { transposeA: false, transposeB: false },
    }) as tf.TensorInfo;
  } finally {
    ops.dispose();
  }
}

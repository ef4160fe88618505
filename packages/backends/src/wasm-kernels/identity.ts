import type * as tf from '@tensorflow/tfjs-core';
import type { WasmKernelArgs } from './wasm-ops';

/**
 * Identity for 'wasm' without a copy: the output shares the input's data,
 * reference-counted, as on the cpu backend (no wasm kernel writes into its
 * inputs, so sharing is safe). The wasm backend's own Identity copies, which
 * costs time on every `tf.clone` (each custom-gradient op saves clones for
 * backprop) and makes tfjs's IS_TEST kernel leak check report those clones
 * as leaked data.
 */
export function identity({ inputs, backend }: WasmKernelArgs): tf.TensorInfo {
  const { x } = inputs;
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

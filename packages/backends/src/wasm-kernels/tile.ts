import * as tf from '@tensorflow/tfjs-core';
import { stockKernel } from './stock-kernels';
import type { WasmKernelArgs } from './wasm-ops';

/**
 * Tile for 'wasm' when it only repeats the whole of x: every axis that
 * repeats (rep > 1) comes before every axis longer than 1, as in a
 * broadcast of a [1, 1, 1, C] tensor to [N, H, W, C] (`tf.broadcastTo`, the
 * gradient of Mean). Then the output is x's data `prod(reps)` times in a row:
 * one copy of x, then doubling block copies. The wasm backend's own Tile
 * computes every element's source index; it runs every other case.
 */
export function tile(args: WasmKernelArgs): tf.TensorInfo {
  const { inputs, backend, attrs = {} } = args;
  const { x } = inputs;
  const { reps } = attrs as unknown as tf.TileAttrs;
  let lead = 0; // axes [0, lead) of x have size 1
  while (lead < x.shape.length && x.shape[lead] === 1) lead++;
  const wholeCopies = reps.length === x.shape.length && reps.slice(lead).every((r) => r === 1);
  if (!wholeCopies || x.dtype === 'string' || x.dtype === 'complex64') {
    return stockKernel('Tile')(args as unknown as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
  }
  const out = backend.makeOutput(
    x.shape.map((d, i) => d * reps[i]),
    x.dtype,
  );
  const dst = backend.typedArrayFromHeap(out); // views after the last allocation
  const src = backend.typedArrayFromHeap(x);
  if (dst.length === 0) return out;
  dst.set(src, 0);
  for (let filled = src.length; filled < dst.length; filled *= 2) {
    dst.copyWithin(filled, 0, Math.min(filled, dst.length - filled));
  }
  return out;
}

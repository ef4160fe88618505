import * as tf from '@tensorflow/tfjs-core';
import type { WasmKernelArgs } from './wasm-ops';

/**
 * UnsortedSegmentSum for 'wasm' (which ships none; the gradient of
 * `tf.gather`, hence of every embedding layer, needs it). A single pass over
 * the rows of x, adding row i into out[segmentIds[i]]; ids outside
 * [0, numSegments) are dropped, as in TensorFlow.
 *
 * out[s, ...] = sum_{i : segmentIds[i] = s} x[i, ...]
 */
export function unsortedSegmentSum({ inputs, backend, attrs = {} }: WasmKernelArgs): tf.TensorInfo {
  const { x, segmentIds } = inputs;
  const { numSegments } = attrs as unknown as tf.UnsortedSegmentSumAttrs;
  const idsRank = segmentIds.shape.length;
  const prefixOk = segmentIds.shape.every((d, i) => x.shape[i] === d);
  if (!prefixOk) {
    throw new Error(
      `@ssl/backends UnsortedSegmentSum (wasm): segmentIds shape [${segmentIds.shape}] ` +
        `must be a prefix of x shape [${x.shape}]`,
    );
  }
  const rows = tf.util.sizeFromShape(segmentIds.shape);
  const inner = rows === 0 ? 0 : tf.util.sizeFromShape(x.shape) / rows;
  const dtype = x.dtype === 'int32' ? 'int32' : 'float32';
  const out = backend.makeOutput([numSegments, ...x.shape.slice(idsRank)], dtype);
  // Views are taken after the allocation above: growing the heap detaches old views.
  const dst = backend.typedArrayFromHeap(out);
  const src = backend.typedArrayFromHeap(x);
  const ids = backend.typedArrayFromHeap(segmentIds);
  dst.fill(0);
  for (let i = 0; i < rows; i++) {
    const s = ids[i];
    if (s < 0 || s >= numSegments) continue;
    const from = i * inner;
    const to = s * inner;
    for (let k = 0; k < inner; k++) dst[to + k] += src[from + k];
  }
  return out;
}

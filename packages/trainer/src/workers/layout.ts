import * as tf from '@tensorflow/tfjs-core';

/** Where one tensor lives in a shared buffer: 4-byte elements from `offset` (in elements). */
export interface Slot {
  shape: number[];
  dtype: 'float32' | 'int32';
  offset: number;
  size: number;
}

/** Slots of `tensors`, packed one after the other, and the elements they need in all. */
export interface Layout {
  slots: Slot[];
  elements: number;
}

/** The layout of `shapes` (float32 unless `dtypes` says int32), packed in order. */
export function layoutOf(tensors: { shape: number[]; dtype: string }[], fn: string): Layout {
  let offset = 0;
  const slots = tensors.map((t) => {
    if (t.dtype !== 'float32' && t.dtype !== 'int32') {
      throw new Error(`${fn}: workers exchange float32 and int32 tensors only, got ${t.dtype}`);
    }
    const size = t.shape.reduce((a, b) => a * b, 1);
    const slot: Slot = { shape: [...t.shape], dtype: t.dtype, offset, size };
    offset += size;
    return slot;
  });
  return { slots, elements: offset };
}

/** A shared buffer of `elements` 4-byte elements (at least one). */
export function sharedBuffer(elements: number): SharedArrayBuffer {
  return new SharedArrayBuffer(Math.max(1, elements) * 4);
}

function view(buffer: SharedArrayBuffer, slot: Slot): Float32Array | Int32Array {
  return slot.dtype === 'int32'
    ? new Int32Array(buffer, slot.offset * 4, slot.size)
    : new Float32Array(buffer, slot.offset * 4, slot.size);
}

/** Copies the values of `tensors` into `buffer` at their slots (reads them synchronously). */
export function writeTensors(
  buffer: SharedArrayBuffer,
  layout: Layout,
  tensors: tf.Tensor[],
): void {
  tensors.forEach((t, i) => view(buffer, layout.slots[i]).set(t.dataSync() as Float32Array));
}

/** New tensors holding copies of the slots of `buffer` (the caller owns them). */
export function readTensors(buffer: SharedArrayBuffer, layout: Layout): tf.Tensor[] {
  return layout.slots.map((s) => tf.tensor(view(buffer, s).slice(), s.shape, s.dtype));
}

/** Assigns the slots of `buffer` to `variables` (same order as the layout). */
export function assignFrom(
  buffer: SharedArrayBuffer,
  layout: Layout,
  variables: tf.Variable[],
): void {
  tf.tidy(() => {
    layout.slots.forEach((s, i) => {
      variables[i].assign(tf.tensor(view(buffer, s).slice(), s.shape, s.dtype));
    });
  });
}

/** Shapes as a comparable string, for the check that two replicas agree. */
export function describeLayout(layout: Layout): string {
  return layout.slots.map((s) => `${s.dtype}[${s.shape}]`).join(' ');
}

// Test support (not part of the package entry): seeded image batches and
// plain-array access for naive reference implementations.
import * as tf from '@tensorflow/tfjs-core';
import { randomArray } from '@ssl/test-utils';

/** A batch `[N, H, W, C]` of uniform [0, 1) pixels from a seed. */
export function randomImages(shape: [number, number, number, number], seed = 1): tf.Tensor4D {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor4d(randomArray(size, seed, 0, 1), shape);
}

/** `copies` copies of one random image, `[copies, H, W, C]`. */
export function repeatedImage(
  copies: number,
  h: number,
  w: number,
  c: number,
  seed = 1,
): tf.Tensor4D {
  const one = randomArray(h * w * c, seed, 0, 1);
  const data = new Float32Array(copies * one.length);
  for (let i = 0; i < copies; i++) data.set(one, i * one.length);
  return tf.tensor4d(data, [copies, h, w, c]);
}

/** Nested JS arrays `[n][y][x][c]` of a 4-D tensor. */
export function toArray4(t: tf.Tensor4D): number[][][][] {
  return t.arraySync();
}

/** Exact element-wise equality of two tensors' values and shapes. */
export function sameTensor(a: tf.Tensor, b: tf.Tensor): boolean {
  if (!tf.util.arraysEqual(a.shape, b.shape)) return false;
  const x = a.dataSync();
  const y = b.dataSync();
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** Image i of a batch as a flat Float32Array. */
export function imageData(t: tf.Tensor4D, i: number): Float32Array {
  const per = t.shape[1] * t.shape[2] * t.shape[3];
  return (t.dataSync() as Float32Array).slice(i * per, (i + 1) * per);
}

/** Whether images i and j of a batch are exactly equal. */
export function sameImage(t: tf.Tensor4D, i: number, j: number): boolean {
  const a = imageData(t, i);
  const b = imageData(t, j);
  return a.every((v, k) => v === b[k]);
}

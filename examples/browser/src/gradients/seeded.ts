import * as tf from '@tensorflow/tfjs-core';

/**
 * Inputs for the gradient checks, drawn in JavaScript (a seeded LCG), not by
 * a backend's random kernel: both backends see exactly the same numbers.
 */
export function seededUniform(shape: number[], seed: number, lo = -1, hi = 1): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(n);
  let s = (seed * 2654435761 + 1) >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    values[i] = lo + ((hi - lo) * s) / 2 ** 32;
  }
  return tf.tensor(values, shape, 'float32');
}

/** Seeded int32 ids in [0, high). */
export function seededInts(shape: number[], seed: number, high: number): tf.Tensor {
  const u = seededUniform(shape, seed, 0, 1);
  const ids = Array.from(u.dataSync(), (v) => Math.min(high - 1, Math.floor(v * high)));
  u.dispose();
  return tf.tensor(ids, shape, 'int32');
}

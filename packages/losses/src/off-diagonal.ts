import * as tf from '@tensorflow/tfjs-core';

/**
 * The off-diagonal entries of a square matrix, [n, n] -> [n, n-1]: row i holds
 * m[i, j] for every j != i, in order. Slices and reshapes only (exact values,
 * no mask matrix, differentiable on every backend).
 *
 * Row-major, the diagonal sits at flat indices k(n+1). Dropping flat index 0
 * and viewing the remaining n²-1 values as [n-1, n+1] puts every other diagonal
 * entry in the last column, which is then sliced away.
 * Internal helper: callers own the surrounding tidy.
 */
export function offDiagonal(m: tf.Tensor2D): tf.Tensor2D {
  const n = m.shape[0];
  if (n === 1) return tf.zeros([1, 0]); // a 1x1 matrix has no off-diagonal entry
  const flat = tf.slice(tf.reshape(m, [n * n]), 1); // [n² - 1]
  const rows = tf.reshape(flat, [n - 1, n + 1]); // [n-1, n+1], diagonal in the last column
  const kept = tf.slice(rows, [0, 0], [n - 1, n]); // [n-1, n]
  return tf.reshape(kept, [n, n - 1]); // [n, n-1]
}

import * as tf from '@tensorflow/tfjs-core';

/**
 * Fraction of rows of `predict(batch)` whose arg-max equals the label, computed
 * `batchSize` rows at a time. `predict` returns logits `[b, C]` for `x[start:start+b]`.
 */
export async function batchedAccuracy(
  n: number,
  labels: number[],
  batchSize: number,
  predict: (start: number, size: number) => tf.Tensor,
  predictions?: number[],
): Promise<number> {
  let correct = 0;
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const pred = tf.tidy(() => tf.argMax(predict(start, size), 1));
    const p = await pred.data();
    pred.dispose();
    for (let i = 0; i < size; i++) {
      if (p[i] === labels[start + i]) correct++;
      predictions?.push(p[i]);
    }
  }
  return correct / n;
}

import * as tf from '@tensorflow/tfjs-core';
import { l2NormalizeRows } from './normalize';
import { offDiagonal } from './off-diagonal';
import {
  assertBatchAtLeast,
  assertOptions,
  assertEmbeddingPair,
  assertTemperature,
} from './validate';

/** Options of {@link ntXentLoss}. */
export interface NTXentOptions {
  /**
   * Softmax temperature τ: cosine similarities are divided by it. Default 0.5
   * (lightly's `NTXentLoss` default; SimCLR used 0.1–1 depending on batch size).
   * Must be finite and >= 1e-6.
   */
  temperature?: number;
}

const FN = 'ntXentLoss';

/**
 * NT-Xent, the normalized temperature-scaled cross-entropy of SimCLR
 * (Chen et al. 2020, "A Simple Framework for Contrastive Learning of Visual
 * Representations", eq. 1).
 *
 * The 2N rows of `z1` and `z2` are all anchors. Rows are L2-normalized (a zero
 * row stays zero, so the loss stays finite), s(a, b) = cos(a, b) / τ, and anchor
 * i's positive is the same sample's other view; the other 2N-2 embeddings are
 * its negatives. The loss is the mean over the 2N anchors of
 * `-s(i, pos(i)) + log Σ_{j≠i} exp s(i, j)`. The self-similarity is removed by
 * slicing it out of the similarity matrix (not by subtracting a large number),
 * and the log-sum-exp subtracts the row maximum, so it is stable at any
 * temperature >= 1e-6. Invariant to swapping the views and to scaling rows.
 *
 * @param z1 embeddings of the first view, float32 [N, D], N >= 2.
 * @param z2 embeddings of the second view, float32 [N, D]; row i pairs with z1 row i.
 * @param opts see {@link NTXentOptions} (temperature 0.5).
 * @returns the scalar loss; log(2N-1) when all 2N embeddings point the same way.
 *
 * @example
 * ```ts
 * const z1 = tf.randomNormal([8, 128], 0, 1, 'float32', 1) as tf.Tensor2D;
 * const z2 = tf.randomNormal([8, 128], 0, 1, 'float32', 2) as tf.Tensor2D;
 * const loss = ntXentLoss(z1, z2, { temperature: 0.1 }); // Scalar
 * ```
 */
export function ntXentLoss(z1: tf.Tensor2D, z2: tf.Tensor2D, opts: NTXentOptions = {}): tf.Scalar {
  assertEmbeddingPair(FN, 'z1', z1, 'z2', z2);
  assertBatchAtLeast(FN, 'z1', z1.shape[0], 2, 'each anchor needs at least one other sample');
  assertOptions(FN, opts);
  const temperature = opts.temperature ?? 0.5;
  assertTemperature(FN, temperature);

  return tf.tidy(() => {
    const invT = 1 / temperature;
    const u1 = l2NormalizeRows(z1); // [N, D]
    const u2 = l2NormalizeRows(z2); // [N, D]
    const u = tf.concat([u1, u2], 0); // [2N, D]
    const logits = tf.mul(tf.matMul(u, u, false, true), invT) as tf.Tensor2D; // [2N, 2N]
    const others = offDiagonal(logits); // [2N, 2N-1]: positive + 2N-2 negatives per row
    const lse = tf.logSumExp(others, 1); // [2N]
    // s(i, pos(i)) is the same for anchor i and anchor i+N: the mean over 2N
    // anchors of the positive logit is the mean over the N pairs.
    const positive = tf.mul(tf.sum(tf.mul(u1, u2), 1), invT); // [N]
    return tf.sub(tf.mean(lse), tf.mean(positive)) as tf.Scalar;
  });
}

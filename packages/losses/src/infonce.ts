import * as tf from '@tensorflow/tfjs-core';
import { l2NormalizeRows } from './normalize';
import {
  assertBatchAtLeast,
  assertOptions,
  assertEmbeddingPair,
  assertTemperature,
  assertTensor,
} from './validate';

/** Options of {@link infoNCELoss}. */
export interface InfoNCEOptions {
  /**
   * Where the negatives come from. Default: none given, so for query i the
   * other rows of `positive` (j != i) are the negatives (in-batch negatives,
   * N-1 per query).
   * - [K, D]: one set of K negatives shared by every query, e.g. MoCo's queue
   *   of past keys.
   * - [N, K, D]: K negatives of its own for each query (K = 1 is the
   *   single-negative, triplet-like form).
   */
  negatives?: tf.Tensor2D | tf.Tensor3D;
  /**
   * Softmax temperature τ. Default 0.1. MoCo v1 used 0.07 and MoCo v2 0.2;
   * pass the value of the recipe you follow. Must be finite and >= 1e-6.
   */
  temperature?: number;
  /**
   * L2-normalize query, positive and negatives first, so that logits are cosine
   * similarities / τ (MoCo, CPC-style InfoNCE with normalized embeddings).
   * Default true. With false, logits are raw dot products / τ.
   */
  normalize?: boolean;
}

const FN = 'infoNCELoss';

/**
 * InfoNCE, the contrastive cross-entropy of CPC (van den Oord et al. 2018) in
 * the form used by MoCo (He et al. 2020, "Momentum Contrast for Unsupervised
 * Visual Representation Learning", eq. 1): for each query q_i,
 * `-log exp(q_i·k_i/τ) / (exp(q_i·k_i/τ) + Σ_neg exp(q_i·n/τ))`, averaged over
 * the N queries, i.e. a softmax cross-entropy whose label is the positive.
 *
 * - no `negatives`: logits = q · positiveᵀ / τ [N, N], label i for row i (the
 *   other rows of `positive` are the negatives); requires N >= 2.
 * - `negatives` [K, D] (a shared queue): logits = [q·k₊, q · queueᵀ] / τ
 *   [N, 1+K], label 0 (MoCo).
 * - `negatives` [N, K, D]: logits = [q_i·k₊ᵢ, q_i·n_{i,k}] / τ [N, 1+K], label 0.
 *
 * Computed as mean(logsumexp(logits) - positive logit), with the row maximum
 * subtracted inside the log-sum-exp, so it is stable at small temperatures.
 * The loss does not stop gradients: for MoCo pass keys from the momentum
 * encoder (or wrap them in {@link stopGradient}).
 *
 * @param query float32 [N, D].
 * @param positive float32 [N, D]; row i is the positive of query i.
 * @param opts see {@link InfoNCEOptions} (no negatives, temperature 0.1, normalize true).
 *
 * @example
 * ```ts
 * const q = encoder.apply(view1) as tf.Tensor2D;        // [N, D]
 * const k = momentumEncoder.apply(view2) as tf.Tensor2D; // [N, D]
 * const loss = infoNCELoss(q, k, { negatives: queue, temperature: 0.2 }); // queue [K, D]
 * ```
 */
export function infoNCELoss(
  query: tf.Tensor2D,
  positive: tf.Tensor2D,
  opts: InfoNCEOptions = {},
): tf.Scalar {
  assertEmbeddingPair(FN, 'query', query, 'positive', positive);
  assertOptions(FN, opts);
  const [n, d] = query.shape;
  const negatives = opts.negatives;
  if (negatives === undefined) {
    assertBatchAtLeast(
      FN,
      'query',
      n,
      2,
      'without opts.negatives the other rows of positive are the negatives',
    );
  } else {
    const rank = negatives instanceof tf.Tensor ? negatives.rank : 0;
    assertTensor(
      FN,
      'opts.negatives',
      negatives,
      rank === 3 ? 3 : 2,
      rank === 3 ? '[N, K, D]' : '[K, D] or a 3-D tensor [N, K, D]',
    );
    const negD = negatives.shape[negatives.rank - 1];
    if (negD !== d) {
      throw new Error(
        `${FN}: opts.negatives must have the embedding size D = ${d} of query in its last axis, got shape [${negatives.shape.join(',')}]`,
      );
    }
    if (negatives.rank === 3 && negatives.shape[0] !== n) {
      throw new Error(
        `${FN}: opts.negatives [N, K, D] must have the batch size N = ${n} of query, got shape [${negatives.shape.join(',')}]`,
      );
    }
  }
  const temperature = opts.temperature ?? 0.1;
  assertTemperature(FN, temperature);
  const normalize = opts.normalize ?? true;
  if (typeof normalize !== 'boolean') {
    throw new Error(`${FN}: opts.normalize must be a boolean, got ${typeof normalize}`);
  }

  return tf.tidy(() => {
    const invT = 1 / temperature;
    const q = normalize ? l2NormalizeRows(query) : query; // [N, D]
    const k = normalize ? l2NormalizeRows(positive) : positive; // [N, D]
    const pos = tf.mul(tf.sum(tf.mul(q, k), 1), invT); // [N]: q_i·k_i / τ
    let logits: tf.Tensor2D;
    if (negatives === undefined) {
      logits = tf.mul(tf.matMul(q, k, false, true), invT); // [N, N], positive on the diagonal
    } else {
      const neg = normalize ? l2NormalizeRows(negatives) : negatives; // [K, D] or [N, K, D]
      const negLogits =
        neg.rank === 2
          ? tf.matMul(q, neg as tf.Tensor2D, false, true) // [N, K]
          : tf.sum(tf.mul(tf.expandDims(q, 1), neg), 2); // [N, 1, D] * [N, K, D] -> [N, K]
      logits = tf.concat([tf.expandDims(pos, 1), tf.mul(negLogits, invT)], 1) as tf.Tensor2D; // [N, 1+K]
    }
    return tf.mean(tf.sub(tf.logSumExp(logits, 1), pos)) as tf.Scalar;
  });
}

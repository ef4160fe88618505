import * as tf from '@tensorflow/tfjs-core';
import { l2NormalizeRows } from './normalize';
import {
  assertBatchAtLeast,
  assertEmbeddingPair,
  assertOptions,
  assertTemperature,
  assertTensor,
} from './validate';

/** Options of {@link nnclrLoss}. */
export interface NNCLRLossOptions {
  /** Softmax temperature τ. Default 0.1 (NNCLR). */
  temperature?: number;
  /** Also use the second view's neighbour against the first view, and average (NNCLR's Algorithm 1). Default true. */
  symmetric?: boolean;
}

const FN = 'nnclrLoss';

let nearestOp: ((u: tf.Tensor, support: tf.Tensor) => tf.Tensor) | undefined;

/**
 * Rows of `support` nearest (by cosine) to each row of the unit `u` [N, D]:
 * [N, D] unit rows, a constant for the gradient. A custom-gradient op (zero
 * gradients), so the tape records neither the argmax nor the gather by index.
 */
function nearest(u: tf.Tensor2D, support: tf.Tensor2D): tf.Tensor2D {
  nearestOp ??= tf.customGrad((...args) => {
    const [a, b] = args as tf.Tensor[];
    const value = tf.tidy(() => {
      const s = l2NormalizeRows(b as tf.Tensor2D); // [K, D]
      const idx = tf.argMax(tf.matMul(a as tf.Tensor2D, s, false, true), 1); // [N]: argmax_k cos(u_i, s_k)
      // argMax skips NaN similarities, so a NaN or infinite row of the support set (or of u)
      // would pick a finite neighbour and hide it; sum(x * 0) is NaN exactly then, 0 otherwise
      const poison = tf.add(tf.sum(tf.mul(b, 0)), tf.sum(tf.mul(a, 0))); // []
      return tf.add(tf.gather(s, idx), poison);
    });
    return { value, gradFunc: () => [tf.zerosLike(a), tf.zerosLike(b)] };
  });
  return nearestOp(u, support) as tf.Tensor2D;
}

/** NT-Xent of unit anchors `a` against unit positives `p` [N, D]: the other rows of `p` are negatives. */
function crossViewNce(a: tf.Tensor2D, p: tf.Tensor2D, invT: number): tf.Scalar {
  const logits = tf.mul(tf.matMul(a, p, false, true), invT); // [N, N], positives on the diagonal
  const pos = tf.mul(tf.sum(tf.mul(a, p), 1), invT); // [N]
  return tf.mean(tf.sub(tf.logSumExp(logits, 1), pos)) as tf.Scalar;
}

/**
 * The NNCLR loss (Dwibedi et al. 2021, "With a Little Help from My Friends:
 * Nearest-Neighbor Contrastive Learning of Visual Representations", eq. 2 and
 * Algorithm 1). All rows are L2-normalized. The anchor of sample i is NN(z1_i),
 * the row of `support` nearest to z1_i by cosine (a constant: no gradient
 * flows into the support set or through the choice); its positive is z2_i and
 * the other rows of z2 are its negatives:
 * `L = mean_i [ -NN(z1_i)·z2_i / τ + log Σ_k exp(NN(z1_i)·z2_k / τ) ]`.
 * With `symmetric` (default) the loss is `(L(NN(z1), z2) + L(NN(z2), z1)) / 2`.
 *
 * @param z1 embeddings of the first view, float32 [N, D], N >= 2.
 * @param z2 embeddings of the second view, float32 [N, D].
 * @param support the support set (a queue of past first-view embeddings), float32 [K, D].
 *
 * @example
 * ```ts
 * const loss = nnclrLoss(z1, z2, queue, { temperature: 0.1 });
 * ```
 */
export function nnclrLoss(
  z1: tf.Tensor2D,
  z2: tf.Tensor2D,
  support: tf.Tensor2D,
  opts: NNCLRLossOptions = {},
): tf.Scalar {
  assertEmbeddingPair(FN, 'z1', z1, 'z2', z2);
  assertBatchAtLeast(FN, 'z1', z1.shape[0], 2, 'the other rows of z2 are the negatives');
  assertTensor(FN, 'support', support, 2, '[K, D]');
  if (support.shape[1] !== z1.shape[1]) {
    throw new Error(
      `${FN}: support must have the embedding size D = ${z1.shape[1]} of z1, got shape [${support.shape}]`,
    );
  }
  assertOptions(FN, opts);
  const temperature = opts.temperature ?? 0.1;
  assertTemperature(FN, temperature);
  const symmetric = opts.symmetric ?? true;
  if (typeof symmetric !== 'boolean') {
    throw new Error(`${FN}: opts.symmetric must be a boolean, got ${typeof symmetric}`);
  }
  return tf.tidy(() => {
    const invT = 1 / temperature;
    const u1 = l2NormalizeRows(z1);
    const u2 = l2NormalizeRows(z2);
    const l12 = crossViewNce(nearest(u1, support), u2, invT);
    if (!symmetric) return l12;
    const l21 = crossViewNce(nearest(u2, support), u1, invT);
    return tf.mul(tf.add(l12, l21), 0.5) as tf.Scalar;
  });
}

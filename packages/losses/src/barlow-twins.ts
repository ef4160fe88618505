import * as tf from '@tensorflow/tfjs-core';
import { offDiagonal } from './off-diagonal';
import {
  assertBatchAtLeast,
  assertNonNegative,
  assertOptions,
  assertPositive,
  assertEmbeddingPair,
} from './validate';

/** Options of {@link barlowTwinsLoss}. */
export interface BarlowTwinsOptions {
  /** Weight λ of the redundancy-reduction (off-diagonal) term. Default 5e-3 (the paper's). Finite, >= 0. */
  lambda?: number;
  /**
   * Added to the per-dimension batch variance before the square root when
   * standardizing, as the paper's non-affine BatchNorm does. Default 1e-5 (BatchNorm's
   * default). Finite, > 0; keeps a constant dimension finite (it standardizes to 0).
   */
  eps?: number;
}

const FN = 'barlowTwinsLoss';

/** (z - mean) / sqrt(var + eps) per dimension over the batch, biased variance. */
function standardize(z: tf.Tensor2D, eps: number): tf.Tensor2D {
  const centered = tf.sub(z, tf.mean(z, 0, true)); // [N, D]
  const variance = tf.mean(tf.square(centered), 0, true); // [1, D], biased (/N)
  return tf.mul(centered, tf.rsqrt(tf.add(variance, eps))); // [N, D]
}

/**
 * Barlow Twins (Zbontar et al. 2021, "Barlow Twins: Self-Supervised Learning
 * via Redundancy Reduction", eq. 1-2).
 *
 * Each embedding dimension is standardized over the batch
 * (`(z - mean) / sqrt(var + eps)`, biased variance, as the paper's non-affine
 * BatchNorm), then C = z1nᵀ z2n / N [D, D] is the cross-correlation and
 * `loss = Σ_i (1 - C_ii)² + λ Σ_{i≠j} C_ij²`: the diagonal is pulled to 1
 * (invariance), the off-diagonal to 0 (redundancy reduction). Note the loss is
 * a sum over dimensions, so its scale grows with D.
 *
 * @param z1 embeddings of the first view, float32 [N, D], N >= 2.
 * @param z2 embeddings of the second view, float32 [N, D].
 * @param opts see {@link BarlowTwinsOptions} (lambda 5e-3, eps 1e-5).
 *
 * @example
 * ```ts
 * const loss = barlowTwinsLoss(projector.apply(v1) as tf.Tensor2D,
 *                              projector.apply(v2) as tf.Tensor2D); // Scalar
 * ```
 */
export function barlowTwinsLoss(
  z1: tf.Tensor2D,
  z2: tf.Tensor2D,
  opts: BarlowTwinsOptions = {},
): tf.Scalar {
  assertEmbeddingPair(FN, 'z1', z1, 'z2', z2);
  assertBatchAtLeast(FN, 'z1', z1.shape[0], 2, 'the batch statistics need two samples');
  assertOptions(FN, opts);
  const lambda = opts.lambda ?? 5e-3;
  assertNonNegative(FN, 'opts.lambda', lambda);
  const eps = opts.eps ?? 1e-5;
  assertPositive(FN, 'opts.eps', eps);

  return tf.tidy(() => {
    const n = z1.shape[0];
    const a = standardize(z1, eps); // [N, D]
    const b = standardize(z2, eps); // [N, D]
    const c = tf.div(tf.matMul(a, b, true, false), n) as tf.Tensor2D; // [D, D]
    const diag = tf.div(tf.sum(tf.mul(a, b), 0), n); // [D]: C_ii
    const onDiag = tf.sum(tf.square(tf.sub(1, diag)));
    const offDiag = tf.sum(tf.square(offDiagonal(c)));
    return tf.add(onDiag, tf.mul(lambda, offDiag)) as tf.Scalar;
  });
}

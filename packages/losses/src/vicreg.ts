import * as tf from '@tensorflow/tfjs-core';
import { offDiagonal } from './off-diagonal';
import {
  assertBatchAtLeast,
  assertNonNegative,
  assertOptions,
  assertPositive,
  assertEmbeddingPair,
} from './validate';

/** Options of {@link vicregLoss}. Weights are finite and >= 0. */
export interface VICRegOptions {
  /** Weight λ of the invariance (mean squared error) term. Default 25 (the paper's). */
  simWeight?: number;
  /** Weight μ of the variance (hinge on the standard deviation) term. Default 25. */
  varWeight?: number;
  /** Weight ν of the covariance (off-diagonal) term. Default 1. */
  covWeight?: number;
  /** Added to the variance under the square root, std = sqrt(var + eps). Default 1e-4. Finite, > 0. */
  eps?: number;
  /**
   * How the two branches' variance terms combine. `'mean'` (default):
   * `μ·[v(Z) + v(Z')] / 2`, as the authors' code (facebookresearch/vicreg) and
   * lightly compute it, the form the 25 / 25 / 1 weights were tuned with.
   * `'sum'`: `μ·[v(Z) + v(Z')]`, the paper's eq. 6 as printed (twice the
   * variance weight). The covariance terms are summed in both.
   */
  varianceReduction?: 'mean' | 'sum';
}

const FN = 'vicregLoss';

/** Variance and covariance terms of one branch: v(Z) and c(Z) of the paper. */
function branchTerms(z: tf.Tensor2D, eps: number): [tf.Scalar, tf.Scalar] {
  const [n, d] = z.shape;
  const centered = tf.sub(z, tf.mean(z, 0, true)); // [N, D]
  const variance = tf.div(tf.sum(tf.square(centered), 0), n - 1); // [D], unbiased
  const std = tf.sqrt(tf.add(variance, eps)); // [D]
  const v = tf.mean(tf.relu(tf.sub(1, std))) as tf.Scalar;
  const cov = tf.div(tf.matMul(centered, centered, true, false), n - 1) as tf.Tensor2D; // [D, D]
  const c = tf.div(tf.sum(tf.square(offDiagonal(cov))), d) as tf.Scalar;
  return [v, c];
}

/**
 * VICReg (Bardes, Ponce & LeCun 2022, "VICReg: Variance-Invariance-Covariance
 * Regularization for Self-Supervised Learning", eq. 1-6):
 * `λ·s(Z, Z') + μ·[v(Z) + v(Z')] / 2 + ν·[c(Z) + c(Z')]` with
 * - invariance s = mean over N·D of (z - z')² (MSE);
 * - variance v(Z) = (1/D) Σ_j relu(1 - sqrt(Var(z_j) + eps)), unbiased variance (N-1);
 * - covariance c(Z) = (1/D) Σ_{i≠j} C(Z)_ij², C(Z) = (Z - mean)ᵀ(Z - mean) / (N-1).
 *
 * The two branches' variance terms are averaged by default, as in the authors'
 * code and lightly (the weights 25 / 25 / 1 were tuned that way); the paper's
 * eq. 6 sums them, which `varianceReduction: 'sum'` reproduces (the same as
 * doubling `varWeight`).
 *
 * @param z1 embeddings of the first view, float32 [N, D], N >= 2.
 * @param z2 embeddings of the second view, float32 [N, D].
 * @param opts see {@link VICRegOptions} (simWeight 25, varWeight 25, covWeight 1, eps 1e-4,
 *   varianceReduction 'mean').
 *
 * @example
 * ```ts
 * const loss = vicregLoss(expander.apply(v1) as tf.Tensor2D,
 *                         expander.apply(v2) as tf.Tensor2D); // Scalar
 * ```
 */
export function vicregLoss(z1: tf.Tensor2D, z2: tf.Tensor2D, opts: VICRegOptions = {}): tf.Scalar {
  assertEmbeddingPair(FN, 'z1', z1, 'z2', z2);
  assertBatchAtLeast(FN, 'z1', z1.shape[0], 2, 'the unbiased variance divides by N-1');
  assertOptions(FN, opts);
  const simWeight = opts.simWeight ?? 25;
  const varWeight = opts.varWeight ?? 25;
  const covWeight = opts.covWeight ?? 1;
  const eps = opts.eps ?? 1e-4;
  assertNonNegative(FN, 'opts.simWeight', simWeight);
  assertNonNegative(FN, 'opts.varWeight', varWeight);
  assertNonNegative(FN, 'opts.covWeight', covWeight);
  assertPositive(FN, 'opts.eps', eps);
  const varianceReduction = opts.varianceReduction ?? 'mean';
  if (varianceReduction !== 'mean' && varianceReduction !== 'sum') {
    throw new Error(
      `${FN}: opts.varianceReduction must be 'mean' or 'sum', got ${JSON.stringify(varianceReduction)}`,
    );
  }
  const varScale = varianceReduction === 'mean' ? varWeight / 2 : varWeight;

  return tf.tidy(() => {
    const invariance = tf.mean(tf.square(tf.sub(z1, z2)));
    const [v1, c1] = branchTerms(z1, eps);
    const [v2, c2] = branchTerms(z2, eps);
    return tf.addN([
      tf.mul(simWeight, invariance),
      tf.mul(varScale, tf.add(v1, v2)),
      tf.mul(covWeight, tf.add(c1, c2)),
    ]) as tf.Scalar;
  });
}

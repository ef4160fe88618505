import * as tf from '@tensorflow/tfjs-core';

/**
 * `x` in the forward pass, a zero gradient in the backward pass (PyTorch's
 * `detach`, TensorFlow's `stop_gradient`): nothing computed from the result
 * sends a gradient back into `x`.
 */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  const detached = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: tf.clone(args[0] as tf.Tensor),
    gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
  }));
  return detached(x) as T;
}

/** Options of {@link fixMatchLoss}. */
export interface FixMatchLossOptions {
  /** Confidence τ a weak-view prediction needs to become a pseudo-label. Default 0.95. */
  threshold?: number;
  /** Weight λ of the unlabelled term. Default 1. */
  lambda?: number;
}

/** The terms of {@link fixMatchLoss}, each a scalar. */
export interface FixMatchLossTerms {
  /** `labelledLoss + λ · unlabelledLoss`: what is minimised. */
  loss: tf.Scalar;
  /** Mean cross-entropy of the labelled batch. */
  labelledLoss: tf.Scalar;
  /** `(1 / μB) Σ mask · CE(strong, pseudo-label)` over the unlabelled batch. */
  unlabelledLoss: tf.Scalar;
  /** Fraction of the unlabelled batch whose weak-view confidence reached the threshold. */
  maskRate: tf.Scalar;
}

/**
 * The FixMatch loss (Sohn et al. 2020, "FixMatch: Simplifying
 * Semi-Supervised Learning with Consistency and Confidence", eq. 2–4):
 *
 *     ℓs = (1/B)  Σ_b  CE(y_b, p(x_b))
 *     q_u = softmax(weak_u)  (no gradient)   q̂_u = argmax q_u   m_u = [max q_u ≥ τ]
 *     ℓu = (1/μB) Σ_u  m_u · CE(q̂_u, p(strong_u))
 *     loss = ℓs + λ ℓu
 *
 * `labelledLogits` `[B, C]` and integer `labels` `[B]`; `weakLogits` and
 * `strongLogits` `[μB, C]`, the model's logits on the weak and the strong
 * view of the same unlabelled images. The pseudo-labels and the mask come
 * from the weak logits through {@link stopGradient}: no gradient flows into
 * the weak view. Note the unlabelled mean divides by all μB images, masked or
 * not (as the paper and its code do).
 *
 * @example
 * const { loss } = fixMatchLoss(labelledLogits, labels, weakLogits, strongLogits, { threshold: 0.95 });
 */
export function fixMatchLoss(
  labelledLogits: tf.Tensor2D,
  labels: tf.Tensor1D,
  weakLogits: tf.Tensor2D,
  strongLogits: tf.Tensor2D,
  options: FixMatchLossOptions = {},
): FixMatchLossTerms {
  const fn = 'fixMatchLoss';
  const { threshold = 0.95, lambda = 1 } = options;
  const is2d = (t: unknown): t is tf.Tensor2D => t instanceof tf.Tensor && t.rank === 2;
  const shape = (t: unknown) => (t instanceof tf.Tensor ? `[${t.shape}]` : typeof t);
  if (!is2d(labelledLogits)) {
    throw new Error(`${fn}: labelledLogits must be [B, C], got ${shape(labelledLogits)}`);
  }
  const [b, c] = labelledLogits.shape;
  if (!(labels instanceof tf.Tensor) || labels.rank !== 1 || labels.shape[0] !== b) {
    throw new Error(`${fn}: labels must be [${b}] (one per labelled row), got ${shape(labels)}`);
  }
  if (!is2d(weakLogits) || weakLogits.shape[1] !== c) {
    throw new Error(`${fn}: weakLogits must be [μB, ${c}], got ${shape(weakLogits)}`);
  }
  if (!is2d(strongLogits) || !tf.util.arraysEqual(strongLogits.shape, weakLogits.shape)) {
    throw new Error(
      `${fn}: strongLogits must have the shape of weakLogits [${weakLogits.shape}], got ${shape(strongLogits)}`,
    );
  }
  if (!(Number.isFinite(threshold) && threshold >= 0 && threshold <= 1)) {
    throw new Error(`${fn}: threshold must be a number in [0, 1], got ${threshold}`);
  }
  if (!(Number.isFinite(lambda) && lambda >= 0)) {
    throw new Error(`${fn}: lambda must be a finite number >= 0, got ${lambda}`);
  }
  return tf.tidy(() => {
    // per-row cross-entropy against integer targets: logsumexp(z) − z_y, [rows]
    const rowCE = (logits: tf.Tensor2D, targets: tf.Tensor1D) => {
      const logProb = tf.sub(logits, tf.logSumExp(logits, 1, true)); // [rows, C]
      const oneHot = tf.cast(tf.oneHot(tf.cast(targets, 'int32'), c), 'float32');
      return tf.neg(tf.sum(tf.mul(oneHot, logProb), 1));
    };
    const labelledLoss = tf.mean(rowCE(labelledLogits, labels)) as tf.Scalar;
    const q = tf.softmax(stopGradient(weakLogits)); // [μB, C], no gradient
    const pseudo = tf.argMax(q, 1) as tf.Tensor1D; // [μB]
    const mask = tf.cast(tf.greaterEqual(tf.max(q, 1), threshold), 'float32'); // [μB]
    const unlabelledLoss = tf.mean(tf.mul(mask, rowCE(strongLogits, pseudo))) as tf.Scalar;
    return {
      loss: tf.add(labelledLoss, tf.mul(lambda, unlabelledLoss)) as tf.Scalar,
      labelledLoss,
      unlabelledLoss,
      maskRate: tf.mean(mask) as tf.Scalar,
    };
  });
}

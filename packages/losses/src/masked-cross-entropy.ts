import * as tf from '@tensorflow/tfjs-core';
import { assertTensor } from './validate';

/** Label value that marks a position to leave out of the loss (as PyTorch / Hugging Face). */
export const IGNORE_INDEX = -100;

const FN = 'maskedCrossEntropy';

/**
 * Token-level softmax cross-entropy that skips ignored positions, the masked
 * language modeling objective of BERT (Devlin et al. 2019, "BERT: Pre-training
 * of Deep Bidirectional Transformers for Language Understanding", §3.1): only
 * the masked tokens carry a label, every other position is {@link IGNORE_INDEX}.
 *
 * `loss = (1/M) Σ_{(b,t): label ≠ -100} -log softmax(logits[b,t,:])[label]`
 * where M is the number of labelled positions. The log-softmax is computed as
 * `logsumexp(logits) - logits[label]` with the row maximum subtracted, so large
 * logits do not overflow. When every position is ignored the loss is exactly 0
 * (not NaN), with zero gradient.
 *
 * Labels are checked eagerly: the function reads them synchronously
 * (`labels.dataSync()`, B·T int32 values, a small read even on WebGL) and
 * throws if one lies outside [0, V) and is not -100. Logits are not read.
 *
 * @param logits unnormalized scores, float32 [B, T, V].
 * @param labels target ids, int32 [B, T]; -100 = ignore.
 *
 * @example
 * ```ts
 * const logits = mlmHead.apply(hidden) as tf.Tensor3D; // [B, T, V]
 * const loss = maskedCrossEntropy(logits, labels);    // labels from maskTokens()
 * ```
 */
export function maskedCrossEntropy(logits: tf.Tensor3D, labels: tf.Tensor2D): tf.Scalar {
  assertTensor(FN, 'logits', logits, 3, '[B, T, V]');
  assertTensor(FN, 'labels', labels, 2, '[B, T]', 'int32');
  const [b, t, v] = logits.shape;
  if (labels.shape[0] !== b || labels.shape[1] !== t) {
    throw new Error(
      `${FN}: labels must have shape [B, T] = [${b},${t}] to match logits [${b},${t},${v}], got [${labels.shape.join(',')}]`,
    );
  }
  const ids = labels.dataSync();
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (id !== IGNORE_INDEX && (id < 0 || id >= v)) {
      throw new Error(
        `${FN}: labels must be in [0, ${v}) (V = logits.shape[2]) or ${IGNORE_INDEX} (ignore), got ${id} at [${Math.floor(i / t)},${i % t}]`,
      );
    }
  }

  return tf.tidy(() => {
    const flatLogits = tf.reshape(logits, [b * t, v]); // [B·T, V]
    const flatLabels = tf.reshape(labels, [b * t]); // [B·T]
    const keep = tf.notEqual(flatLabels, IGNORE_INDEX); // [B·T] bool
    const safeLabels = tf.where(keep, flatLabels, tf.zerosLike(flatLabels)); // [B·T], -100 -> 0
    const target = tf.cast(tf.oneHot(safeLabels, v), 'bool'); // [B·T, V]
    // logits[label], exact: every other entry is replaced by 0 before the sum.
    const picked = tf.sum(tf.where(target, flatLogits, tf.zerosLike(flatLogits)), 1); // [B·T]
    // -log softmax[label] = lse - logit[label] >= 0 (lse >= max >= logit[label]).
    const nll = tf.sub(tf.logSumExp(flatLogits, 1), picked); // [B·T]
    const mask = tf.cast(keep, 'float32'); // [B·T]
    const count = tf.maximum(tf.sum(mask), 1); // M, or 1 when all ignored
    return tf.div(tf.sum(tf.mul(nll, mask)), count) as tf.Scalar;
  });
}

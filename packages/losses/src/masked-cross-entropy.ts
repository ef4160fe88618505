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
 * logits do not overflow. Ignored positions are dropped before the
 * log-softmax, so their logits (even NaN or infinite ones) touch neither the
 * loss nor its gradient. When every position is ignored the loss is exactly 0
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
  const kept: number[] = []; // flat indices of the labelled positions
  const keptLabels: number[] = [];
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (id === IGNORE_INDEX) continue;
    if (id < 0 || id >= v) {
      throw new Error(
        `${FN}: labels must be in [0, ${v}) (V = logits.shape[2]) or ${IGNORE_INDEX} (ignore), got ${id} at [${Math.floor(i / t)},${i % t}]`,
      );
    }
    kept.push(i);
    keptLabels.push(id);
  }

  return tf.tidy(() => {
    const flatLogits = tf.reshape(logits, [b * t, v]); // [B·T, V]
    if (kept.length === 0) {
      // 0 exactly, as a function of the logits with zero gradient (selecting
      // nothing: no reduction over an empty tensor, which the wasm backend
      // does not return as 0)
      const none = tf.zeros([b * t, v], 'bool');
      return tf.sum(tf.where(none, flatLogits, tf.zerosLike(flatLogits))) as tf.Scalar;
    }
    // Only the labelled rows go on: an ignored position's logits (NaN or
    // infinite ones included) reach neither the loss nor the gradient.
    const rows = tf.gather(flatLogits, tf.tensor1d(kept, 'int32')); // [M, V]
    const target = tf.cast(tf.oneHot(tf.tensor1d(keptLabels, 'int32'), v), 'bool'); // [M, V]
    // logits[label], exact: every other entry is replaced by 0 before the sum.
    const picked = tf.sum(tf.where(target, rows, tf.zerosLike(rows)), 1); // [M]
    // -log softmax[label] = lse - logit[label] >= 0 (lse >= max >= logit[label]).
    const nll = tf.sub(tf.logSumExp(rows, 1), picked); // [M]
    return tf.div(tf.sum(nll), kept.length) as tf.Scalar;
  });
}

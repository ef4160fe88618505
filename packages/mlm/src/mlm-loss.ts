import * as tf from '@tensorflow/tfjs-core';
import { maskedPositions } from './mlm-head';
import type { MlmModel } from './mlm-model';

/** Inputs of {@link mlmLoss}. */
export interface MlmLossInputs {
  /** Masked token ids [B, T] int32 (`maskTokens(...).inputIds`). */
  inputIds: tf.Tensor2D;
  /** Attention mask [B, T] (1 = token, 0 = padding). */
  attentionMask: tf.Tensor2D;
  /** Labels [B, T] int32, -100 where not predicted (`maskTokens(...).labels`). */
  labels: tf.Tensor2D;
  /** Run dropout (training mode). Default true. */
  training?: boolean;
}

/**
 * The MLM loss and masked-token accuracy of an {@link mlmModel}, computing the head
 * only at the labelled positions ({@link mlmTokenLosses}): the encoder runs on the
 * whole batch, and only the M states with a label go through the head and the tied
 * [D, V] projection. The result equals `maskedCrossEntropy(model.apply(inputIds,
 * attentionMask), labels)`, but the projection costs M·D·V instead of B·T·D·V.
 * Reads the labels (`dataSync`) before the loss is recorded.
 *
 * @example
 * const { loss, accuracy } = mlmLoss(model, { inputIds, attentionMask, labels });
 */
export function mlmLoss(
  model: MlmModel,
  inputs: MlmLossInputs,
): { loss: tf.Scalar; accuracy: tf.Scalar } {
  const fn = 'mlmLoss';
  const { inputIds, attentionMask, labels, training = true } = inputs;
  if (labels?.rank !== 2 || labels.dtype !== 'int32') {
    throw new Error(
      `${fn}: labels must be an int32 [B, T] tensor, got ${labels?.dtype} [${labels?.shape}]`,
    );
  }
  if (!tf.util.arraysEqual(inputIds.shape, labels.shape)) {
    throw new Error(
      `${fn}: inputIds [${inputIds.shape}] and labels [${labels.shape}] must have the same shape`,
    );
  }
  const masked = maskedPositions(labels);
  try {
    return tf.tidy(() => {
      const h = model.encoder.apply([inputIds, attentionMask], { training }) as tf.Tensor3D; // [B, T, D]
      if (masked.positions.size === 0) {
        // nothing to predict: zero loss (with a zero gradient path through h)
        return { loss: tf.mul(tf.sum(h), 0) as tf.Scalar, accuracy: tf.scalar(0) };
      }
      const { nll, correct } = model.head.tokenLosses(h, masked, training); // [M], [M]
      return { loss: tf.mean(nll) as tf.Scalar, accuracy: tf.mean(correct) as tf.Scalar };
    });
  } finally {
    tf.dispose([masked.positions, masked.targets]);
  }
}

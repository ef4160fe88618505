import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { encoderInputs } from './encoder-inputs';
import { MlmHead, type MlmHeadOptions } from './mlm-head';

/** Options of {@link mlmModel}: the encoder, and the {@link MlmHead}'s options. */
export interface MlmModelOptions extends MlmHeadOptions {
  /** A `transformerEncoder` from @ssl/encoders: inputs input_ids and attention_mask [B, T], output [B, T, D]. */
  encoder: tfl.LayersModel;
}

/** An encoder and its tied {@link MlmHead}: what {@link mlmModel} returns and {@link mlmLoss} trains. */
export interface MlmModel {
  readonly encoder: tfl.LayersModel;
  readonly head: MlmHead;
  /** Logits [B, T, V] at every position (the head on all B·T encoder states). Default `training` false. */
  apply(inputIds: tf.Tensor2D, attentionMask: tf.Tensor2D, training?: boolean): tf.Tensor3D;
  /** The encoder's trainable variables, then the head's (the tied embedding listed once). */
  trainableVariables(): tf.Variable[];
  /** Frees the head's variables (the encoder, which the caller made, is left alone). */
  dispose(): void;
}

/**
 * BERT's masked-language-model network (Devlin et al. 2019): the encoder, then the
 * {@link MlmHead} `dense(D) → GELU → LayerNorm → x·Eᵀ + b`, whose output projection is
 * the encoder's token embedding matrix E [V, D] itself. Train it with {@link mlmLoss}
 * on the output of {@link maskTokens}; save the encoder (the head is for pretraining).
 *
 * @example
 * const encoder = transformerEncoder({ vocabSize: tok.vocabSize, maxLength: 64, dModel: 128,
 *   numHeads: 4, numLayers: 2, ffnDim: 512, dropout: 0.1 });
 * const model = mlmModel({ encoder });
 * const logits = model.apply(inputIds, attentionMask); // [B, T, V]
 */
export function mlmModel(opts: MlmModelOptions): MlmModel {
  const { encoder, ...headOptions } = opts ?? ({} as MlmModelOptions);
  encoderInputs(encoder, 'mlmModel'); // validates the two inputs
  const head = new MlmHead(encoder, headOptions);
  return {
    encoder,
    head,
    apply(inputIds, attentionMask, training = false) {
      return tf.tidy(() => {
        const h = encoder.apply([inputIds, attentionMask], { training }) as tf.Tensor3D; // [B, T, D]
        const [b, t, d] = h.shape;
        const logits = head.apply(tf.reshape(h, [b * t, d]) as tf.Tensor2D, training); // [B·T, V]
        return tf.reshape(logits, [b, t, head.vocabSize]) as tf.Tensor3D;
      });
    },
    trainableVariables() {
      const own = encoder.trainableWeights.map((w) => w.read() as tf.Variable);
      return [...own, ...Object.values(head.variables())];
    },
    dispose() {
      head.dispose();
    },
  };
}

import * as tfl from '@tensorflow/tfjs-layers';
import { SeededDropout } from '@ssl/encoders';
import { encoderInputs } from './encoder-inputs';
import { SequencePooling } from './sequence-pooling';

/** Options of {@link sequenceClassifier}. */
export interface SequenceClassifierOptions {
  /** The (pretrained or fresh) encoder: inputs input_ids and attention_mask [B, T], output [B, T, D]. */
  encoder: tfl.LayersModel;
  /** Number of classes (≥ 2). */
  numClasses: number;
  /** 'cls': the [CLS] state; 'mean': the mean of the unpadded states. Default 'cls'. */
  pooling?: 'cls' | 'mean';
  /** Dropout rate before the classification layer. Default 0.1. */
  dropout?: number;
  /** Seed of the classification layer's initializer and of the dropout (`SeededDropout` of @ssl/encoders: a new seeded mask per call, or the row seeds of `withDropoutSeeds`). Default 0. */
  seed?: number;
}

/**
 * A sequence classifier on top of an encoder (BERT's fine-tuning set-up, Devlin et
 * al. 2019 §4): pool the token states ([CLS] or masked mean), dropout, a dense layer
 * to `numClasses` logits. The encoder is shared, not copied: fine-tuning the
 * classifier updates it. Output: logits [B, numClasses] (train with softmax
 * cross-entropy).
 *
 * @example
 * const clf = sequenceClassifier({ encoder, numClasses: 2, pooling: 'mean' });
 * const logits = clf.apply([ids, mask]) as tf.Tensor2D;
 */
export function sequenceClassifier(opts: SequenceClassifierOptions): tfl.LayersModel {
  const fn = 'sequenceClassifier';
  const { encoder, numClasses, pooling = 'cls', dropout = 0.1, seed = 0 } = opts ?? {};
  if (!Number.isInteger(numClasses) || numClasses < 2) {
    throw new Error(`${fn}: numClasses must be an integer >= 2, got ${numClasses}`);
  }
  if (!(dropout >= 0 && dropout < 1))
    throw new Error(`${fn}: dropout must be in [0, 1), got ${dropout}`);
  const [ids, mask] = encoderInputs(encoder, fn);
  const hidden = encoder.apply([ids, mask]) as tfl.SymbolicTensor; // [B, T, D]
  let x = new SequencePooling({ mode: pooling, name: 'pooling' }).apply([
    hidden,
    mask,
  ]) as tfl.SymbolicTensor; // [B, D]
  if (dropout > 0)
    x = new SeededDropout({ rate: dropout, seed, name: 'classifier_dropout' }).apply(
      x,
    ) as tfl.SymbolicTensor;
  const logits = tfl.layers
    .dense({
      units: numClasses,
      kernelInitializer: tfl.initializers.truncatedNormal({ stddev: 0.02, seed }),
      name: 'classifier',
    })
    .apply(x) as tfl.SymbolicTensor; // [B, numClasses]
  return tfl.model({ inputs: [ids, mask], outputs: logits, name: 'sequence_classifier' });
}

import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { getTokenEmbedding, LayerNormalization } from '@ssl/encoders';

/** Options of {@link MlmHead}. */
export interface MlmHeadOptions {
  /** Epsilon of the head's layer norm. Default 1e-12 (BERT). */
  layerNormEpsilon?: number;
  /** Seed of the transform's truncated-normal initializer (stddev 0.02). Default 0. */
  seed?: number;
}

/**
 * BERT's masked-language-model head (Devlin et al. 2019) as an object that
 * owns its weights: `dense(D) -> GELU -> LayerNorm -> x·Eᵀ + b`, where E
 * `[V, D]` is the encoder's token embedding (`getTokenEmbedding` from
 * @ssl/encoders), read at every call, so a step on the MLM loss also trains
 * the input embedding (tied weights, Press & Wolf 2017). The layer norm is
 * the fast `LayerNormalization` of @ssl/encoders. The head owns five
 * variables: transform kernel `[D, D]` and bias `[D]`, norm gamma and beta
 * `[D]`, output bias `[V]`.
 *
 * @example
 * ```ts
 * const head = new MlmHead(encoder, { seed: 1 });
 * const logits = head.apply(states); // states [M, D] -> logits [M, V]
 * head.dispose();
 * ```
 */
export class MlmHead {
  readonly vocabSize: number;
  readonly dModel: number;
  private readonly embedding: tfl.layers.Layer;
  private readonly transform: tfl.layers.Layer;
  private readonly norm: LayerNormalization;
  private readonly outputBias: tf.Variable;

  constructor(encoder: tfl.LayersModel, opts: MlmHeadOptions = {}) {
    const { layerNormEpsilon = 1e-12, seed = 0 } = opts;
    this.embedding = getTokenEmbedding(encoder);
    const shape = this.embedding.weights[0]?.shape;
    if (!shape || shape.length !== 2 || !shape[0] || !shape[1]) {
      throw new Error(
        `MlmHead: the encoder's token embedding must be built and hold a [V, D] matrix, got ${shape ? `[${shape}]` : 'no weights'}`,
      );
    }
    [this.vocabSize, this.dModel] = shape as [number, number];
    this.transform = tfl.layers.dense({
      units: this.dModel,
      activation: 'gelu',
      kernelInitializer: tfl.initializers.truncatedNormal({ stddev: 0.02, seed }),
      inputShape: [this.dModel],
    });
    this.transform.build([null, this.dModel]);
    this.norm = new LayerNormalization({ epsilon: layerNormEpsilon });
    this.norm.build([null, this.dModel]);
    this.outputBias = tf.tidy(() => tf.variable(tf.zeros([this.vocabSize]), true));
  }

  /** The token embedding matrix E `[V, D]` the output projection is tied to (the encoder's own variable). */
  embeddingMatrix(): tf.Variable {
    return this.embedding.weights[0].read() as tf.Variable;
  }

  /** Logits `[M, V]` for hidden states `[M, D]`. */
  apply(states: tf.Tensor2D, training = true): tf.Tensor2D {
    if (states.rank !== 2 || states.shape[1] !== this.dModel) {
      throw new Error(`MlmHead.apply: states must be [M, ${this.dModel}], got [${states.shape}]`);
    }
    return tf.tidy(() => {
      const h = this.transform.apply(states, { training }) as tf.Tensor2D; // [M, D]
      const n = this.norm.apply(h, { training }) as tf.Tensor2D; // [M, D]
      return tf.add(tf.matMul(n, this.embeddingMatrix(), false, true), this.outputBias); // [M, V]
    });
  }

  /** {@link mlmTokenLosses} with this head. */
  tokenLosses(
    hidden: tf.Tensor3D,
    masked: MaskedPositions,
    training = true,
  ): { nll: tf.Tensor1D; correct: tf.Tensor1D } {
    return mlmTokenLosses(this, hidden, masked, training);
  }

  /** The head's own variables (not the tied embedding), in a fixed order, under stable names. */
  variables(): Record<string, tf.Variable> {
    const [kernel, bias] = this.transform.weights.map((w) => w.read() as tf.Variable);
    const [gamma, beta] = this.norm.weights.map((w) => w.read() as tf.Variable);
    return {
      'mlm_head/0': kernel,
      'mlm_head/1': bias,
      'mlm_head/2': gamma,
      'mlm_head/3': beta,
      'mlm_head/4': this.outputBias,
    };
  }

  /** Frees the head's variables (the embedding belongs to the encoder). */
  dispose(): void {
    for (const w of [...this.transform.weights, ...this.norm.weights]) w.dispose();
    this.outputBias.dispose();
  }
}

/** The predicted positions of a batch, found outside the gradient tape. */
export interface MaskedPositions {
  /** Flat indices `b * T + t` of the positions with a label, int32 `[M]`. */
  positions: tf.Tensor1D;
  /** Their labels, int32 `[M]`. */
  targets: tf.Tensor1D;
}

/**
 * The positions of `labels` `[B, T]` (int32, -100 = not predicted) that carry
 * a label, and those labels. Reads the labels (`dataSync`): call it before the
 * gradient tape (a method's `prepare`), not inside it.
 */
export function maskedPositions(labels: tf.Tensor2D): MaskedPositions {
  if (labels.rank !== 2 || labels.dtype !== 'int32') {
    throw new Error(
      `maskedPositions: labels must be an int32 [B, T] tensor, got ${labels.dtype} [${labels.shape}]`,
    );
  }
  const lab = labels.dataSync();
  const positions: number[] = [];
  const targets: number[] = [];
  for (let i = 0; i < lab.length; i++) {
    if (lab[i] !== -100) {
      positions.push(i);
      targets.push(lab[i]);
    }
  }
  return {
    positions: tf.tensor1d(positions, 'int32'),
    targets: tf.tensor1d(targets, 'int32'),
  };
}

/**
 * Per predicted token, the cross-entropy of the head's logits and whether its
 * argmax is right, running the head only at the M predicted positions of the
 * encoder's states `hidden` `[B, T, D]` (the projection costs M·D·V instead
 * of B·T·D·V). Their mean is `maskedCrossEntropy` of the full logits.
 */
export function mlmTokenLosses(
  head: MlmHead,
  hidden: tf.Tensor3D,
  { positions, targets }: MaskedPositions,
  training = true,
): { nll: tf.Tensor1D; correct: tf.Tensor1D } {
  return tf.tidy(() => {
    const [b, t, d] = hidden.shape;
    const states = tf.gather(tf.reshape(hidden, [b * t, d]), positions) as tf.Tensor2D; // [M, D]
    const logits = head.apply(states, training); // [M, V]
    const logp = tf.logSoftmax(logits); // [M, V]
    const onehot = tf.oneHot(targets, head.vocabSize); // [M, V]
    const nll = tf.neg(tf.sum(tf.mul(logp, onehot), 1)) as tf.Tensor1D; // [M]
    const correct = tf.cast(tf.equal(tf.argMax(logits, 1), targets), 'float32') as tf.Tensor1D;
    return { nll, correct };
  });
}

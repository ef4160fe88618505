import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { TOKEN_EMBEDDING_NAME } from '@ssl/encoders';
import { findLayerUpstream } from './find-layer';

// The base arguments of every layer, from tfjs-layers' public API.
type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;

/** Arguments of {@link TiedEmbeddingOutput}. */
export interface TiedEmbeddingOutputArgs extends LayerArgs {
  /** Vocabulary size V (rows of the embedding matrix). */
  vocabSize: number;
  /** Name of the embedding layer whose [V, D] matrix is the output projection. Default `TOKEN_EMBEDDING_NAME` of @ssl/encoders. */
  embeddingLayerName?: string;
  /** Serialized form of `embeddingLayerName` (a `{ name }` dict, so that tfjs keeps the name's case on load). */
  embeddingLayer?: { name: string };
}

/**
 * Output projection tied to a token embedding (Press & Wolf 2017; BERT's MLM decoder):
 * `logits[b,t,:] = x[b,t,:] · Eᵀ + bias`, where E [V, D] is the embedding layer's own
 * weight variable, read at every call: one tensor, not a copy, so a gradient step on
 * the MLM loss updates the input embedding too. The layer owns only the bias [V].
 *
 * The embedding layer is found by name upstream in the graph (also inside a nested
 * encoder model) the first time the layer runs, so a model loaded from its JSON
 * re-ties itself; {@link TiedEmbeddingOutput.tie} sets it explicitly.
 *
 * Kept so that models saved with it still load; {@link mlmModel} now builds the
 * head as an {@link MlmHead} object.
 */
export class TiedEmbeddingOutput extends tfl.layers.Layer {
  static readonly className = 'SslTiedEmbeddingOutput';
  readonly vocabSize: number;
  readonly embeddingLayerName: string;
  private embedding: tfl.layers.Layer | null = null;
  private bias: tfl.LayerVariable | null = null;

  constructor(args: TiedEmbeddingOutputArgs) {
    super(args);
    if (!Number.isInteger(args.vocabSize) || args.vocabSize < 1) {
      throw new Error(
        `TiedEmbeddingOutput: vocabSize must be a positive integer, got ${args.vocabSize}`,
      );
    }
    this.vocabSize = args.vocabSize;
    this.embeddingLayerName =
      args.embeddingLayerName ?? args.embeddingLayer?.name ?? TOKEN_EMBEDDING_NAME;
  }

  /** Ties the projection to `embedding` (a layer whose first weight is the [V, D] matrix). */
  tie(embedding: tfl.layers.Layer): void {
    const w = embedding.weights[0];
    if (!w || w.shape.length !== 2 || w.shape[0] !== this.vocabSize) {
      throw new Error(
        `TiedEmbeddingOutput.tie: embedding layer '${embedding.name}' must hold a [${this.vocabSize}, D] matrix, ` +
          `got ${w ? `[${w.shape}]` : 'no weights'}`,
      );
    }
    this.embedding = embedding;
  }

  /** The embedding variable this layer projects with (the same `tf.Variable` the embedding layer owns). */
  embeddingMatrix(): tf.Variable {
    if (!this.embedding) {
      const found = findLayerUpstream(this, this.embeddingLayerName);
      if (!found) {
        throw new Error(
          `TiedEmbeddingOutput: no layer named '${this.embeddingLayerName}' upstream; ` +
            'call tie(embeddingLayer) before using the layer outside its model',
        );
      }
      this.tie(found);
    }
    return (this.embedding as tfl.layers.Layer).weights[0].read() as tf.Variable;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    if (shape.length < 2) {
      throw new Error(`TiedEmbeddingOutput: input must be [..., D], got [${shape}]`);
    }
    this.bias = this.addWeight('bias', [this.vocabSize], 'float32', tfl.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    return [...shape.slice(0, -1), this.vocabSize];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const e = this.embeddingMatrix(); // [V, D]
      const d = x.shape[x.shape.length - 1];
      if (e.shape[1] !== d) {
        throw new Error(`TiedEmbeddingOutput: input width ${d} != embedding width ${e.shape[1]}`);
      }
      const flat = tf.reshape(x, [-1, d]); // [N, D], N = B*T
      const logits = tf.add(
        tf.matMul(flat, e, false, true),
        (this.bias as tfl.LayerVariable).read(),
      ); // [N, V]
      return tf.reshape(logits, [...x.shape.slice(0, -1), this.vocabSize]); // [B, T, V]
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      vocabSize: this.vocabSize,
      embeddingLayer: { name: this.embeddingLayerName },
    };
  }
}
tf.serialization.registerClass(TiedEmbeddingOutput);

import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { BERT_INIT_STDDEV } from './init';
import type { ConfigDict, Kwargs, LayerArgs, Shape } from './layer-types';
import { checkInt, checkPositive } from './validate';

/** Arguments of {@link PositionEmbedding}. */
export interface PositionEmbeddingArgs extends LayerArgs {
  /** Number of positions with a learned vector (the longest sequence accepted). Required. */
  maxLength: number;
  /** Standard deviation of the truncated-normal initializer. Default `0.02` (BERT). */
  initializerStddev?: number;
  /** Seed of the initializer. Default: none (tfjs's global random stream). */
  seed?: number | null;
}

/**
 * Learned absolute position embeddings, added to the input: for `x` of shape
 * `[B, T, D]` returns `x + P[0:T]` where `P` is a trainable `[maxLength, D]`
 * table. `T` may vary from call to call (up to `maxLength`).
 *
 * Reference: Devlin et al., "BERT", 2019 (learned position embeddings).
 *
 * @example
 * ```ts
 * const x = tf.input({ shape: [null, 64] });
 * const y = new PositionEmbedding({ maxLength: 128 }).apply(x); // [B, T, 64]
 * ```
 */
export class PositionEmbedding extends tfl.layers.Layer {
  /** @nocollapse */
  static readonly className = 'PositionEmbedding';
  readonly maxLength: number;
  readonly initializerStddev: number;
  readonly seed: number | null;
  private embeddings: tfl.LayerVariable | null = null;

  constructor(args: PositionEmbeddingArgs) {
    super(args);
    this.maxLength = checkInt('PositionEmbedding', 'maxLength', args.maxLength);
    this.initializerStddev = checkPositive(
      'PositionEmbedding',
      'initializerStddev',
      args.initializerStddev ?? BERT_INIT_STDDEV,
    );
    this.seed = args.seed ?? null;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = inputShape as Shape;
    const dim = shape[shape.length - 1];
    if (shape.length !== 3 || dim == null) {
      throw new Error(
        `PositionEmbedding: input must be [B, T, D] with a known D, got [${shape.join(',')}]`,
      );
    }
    this.embeddings = this.addWeight(
      'embeddings',
      [this.maxLength, dim],
      'float32',
      tfl.initializers.truncatedNormal({
        stddev: this.initializerStddev,
        seed: this.seed ?? undefined,
      }),
    );
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const [, t, d] = x.shape;
      if (t > this.maxLength) {
        throw new Error(
          `PositionEmbedding: sequence length must be <= maxLength ${this.maxLength}, got ${t}`,
        );
      }
      // [maxLength, D] -> [T, D] -> [1, T, D], broadcast over the batch.
      const table = this.embeddings!.read();
      const pos = tf.expandDims(tf.slice(table, [0, 0], [t, d]), 0);
      return tf.add(x, pos);
    });
  }

  override getConfig(): ConfigDict {
    return {
      ...super.getConfig(),
      maxLength: this.maxLength,
      initializerStddev: this.initializerStddev,
      seed: this.seed,
    };
  }
}
tf.serialization.registerClass(PositionEmbedding);

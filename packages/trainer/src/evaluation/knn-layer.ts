import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;

/** Arguments of {@link KnnVote}. */
export interface KnnVoteArgs extends LayerArgs {
  /** Labelled examples N in the bank. */
  bankSize: number;
  /** Feature width D. */
  units: number;
  numClasses: number;
  /** Neighbours that vote (1 ≤ k ≤ bankSize). */
  k: number;
  /** Votes weighted by `exp(similarity / temperature)`; else one vote each. */
  weighted: boolean;
  temperature: number;
}

/**
 * k-nearest-neighbour vote as a layer: features `[B, D]` → class
 * probabilities `[B, C]`. The labelled bank (its L2-normalised features
 * `[N, D]` and labels `[N]`) is held as non-trainable weights, so a kNN
 * classifier saves and loads like any Layers model. Similarity is the cosine
 * (dot product of L2-normalised rows); each of the k nearest votes 1, or
 * `exp((sim − sim₁) / τ)` when weighted (the same ranking as `exp(sim / τ)`,
 * without overflow). The probabilities are the class vote shares, with a tie
 * broken as `knnAccuracy` breaks it: the tied class met first among the
 * neighbours (nearest first) gets `1e-3` of the total added, so its share is
 * the unique arg-max.
 */
export class KnnVote extends tfl.layers.Layer {
  static readonly className = 'SslKnnVote';
  readonly bankSize: number;
  readonly units: number;
  readonly numClasses: number;
  readonly k: number;
  readonly weighted: boolean;
  readonly temperature: number;
  private bank?: tfl.LayerVariable;
  private bankLabels?: tfl.LayerVariable;

  constructor(args: KnnVoteArgs) {
    super(args);
    const int = (name: string, v: number, min: number) => {
      if (!(Number.isInteger(v) && v >= min))
        throw new Error(`KnnVote: ${name} must be an integer >= ${min}, got ${v}`);
    };
    int('bankSize', args.bankSize, 1);
    int('units', args.units, 1);
    int('numClasses', args.numClasses, 1);
    int('k', args.k, 1);
    if (args.k > args.bankSize) {
      throw new Error(`KnnVote: k must be <= bankSize ${args.bankSize}, got ${args.k}`);
    }
    if (!(Number.isFinite(args.temperature) && args.temperature > 0)) {
      throw new Error(`KnnVote: temperature must be a finite number > 0, got ${args.temperature}`);
    }
    this.bankSize = args.bankSize;
    this.units = args.units;
    this.numClasses = args.numClasses;
    this.k = args.k;
    this.weighted = Boolean(args.weighted);
    this.temperature = args.temperature;
  }

  override build(): void {
    const zeros = tfl.initializers.zeros();
    this.bank = this.addWeight(
      'bank',
      [this.bankSize, this.units],
      'float32',
      zeros,
      undefined,
      false,
    );
    // class indices as float32 (a weight file holds float32)
    this.bankLabels = this.addWeight(
      'bank_labels',
      [this.bankSize],
      'float32',
      zeros,
      undefined,
      false,
    );
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    return [s[0], this.numClasses];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor2D; // [B, D]
      const { k, numClasses: c } = this;
      const norm = tf.sqrt(tf.sum(tf.square(x), 1, true)); // [B, 1]
      const q = tf.div(x, tf.maximum(norm, 1e-12)); // [B, D]
      const sim = tf.matMul(q, this.bank!.read() as tf.Tensor2D, false, true); // [B, N]
      const top = tf.topk(sim, k, true); // values, indices: [B, k], nearest first
      const cls = tf.gather(tf.cast(this.bankLabels!.read(), 'int32'), top.indices); // [B, k]
      const votes = tf.cast(tf.oneHot(cls, c), 'float32'); // [B, k, C]
      const w = this.weighted
        ? tf.exp(
            tf.div(tf.sub(top.values, tf.slice(top.values, [0, 0], [-1, 1])), this.temperature),
          )
        : tf.onesLike(top.values); // [B, k]
      const score = tf.sum(tf.mul(votes, tf.expandDims(w, 2)), 1); // [B, C]
      // k − (rank of the first neighbour of each class), 0 for absent classes: [B, C]
      const rankKey = tf.max(tf.mul(votes, tf.reshape(tf.range(k, 0, -1), [1, k, 1])), 1);
      const isMax = tf.cast(tf.equal(score, tf.max(score, 1, true)), 'float32'); // [B, C]
      const winner = tf.cast(tf.oneHot(tf.argMax(tf.mul(isMax, rankKey), 1), c), 'float32'); // [B, C]
      const total = tf.sum(score, 1, true); // [B, 1]
      const eps = 1e-3;
      return tf.div(tf.add(score, tf.mul(winner, tf.mul(total, eps))), tf.mul(total, 1 + eps));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      bankSize: this.bankSize,
      units: this.units,
      numClasses: this.numClasses,
      k: this.k,
      weighted: this.weighted,
      temperature: this.temperature,
    };
  }
}
tf.serialization.registerClass(KnnVote);

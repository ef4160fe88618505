import * as tfl from '@tensorflow/tfjs-layers';

/** A tfjs-layers weight initializer. */
export type Initializer = ReturnType<typeof tfl.initializers.zeros>;

/** BERT's initializer: a truncated normal with this standard deviation. */
export const BERT_INIT_STDDEV = 0.02;

/**
 * A seeded stream of initializers: every call returns an initializer with its
 * own seed, derived from `seed` and a counter, so a model built twice with the
 * same seed gets the same weights, and two layers never share a random stream.
 * Each model factory creates one of these and takes all its initializers from
 * it (weight initialisation in one place per model).
 */
export class InitStream {
  private counter = 0;

  constructor(private readonly seed: number) {}

  /** The next derived seed (a 32-bit integer hash of seed and counter). */
  nextSeed(): number {
    let h = Math.imul((this.seed | 0) ^ 0x9e3779b9, 0x85ebca6b);
    h = (h + Math.imul(++this.counter, 0xc2b2ae35)) | 0;
    h ^= h >>> 16;
    return (Math.imul(h, 0x27d4eb2f) >>> 0) % 2147483647;
  }

  /**
   * He normal: std sqrt(2 / fan_in), truncated at 2 std (tfjs's `heNormal`), for
   * conv/dense layers followed by ReLU.
   */
  heNormal(): Initializer {
    return tfl.initializers.heNormal({ seed: this.nextSeed() });
  }

  /** Glorot uniform (the Keras default): for linear layers and the reference CNN. */
  glorotUniform(): Initializer {
    return tfl.initializers.glorotUniform({ seed: this.nextSeed() });
  }

  /** Truncated normal with `stddev` (BERT uses 0.02). */
  truncatedNormal(stddev = BERT_INIT_STDDEV): Initializer {
    return tfl.initializers.truncatedNormal({ stddev, mean: 0, seed: this.nextSeed() });
  }
}

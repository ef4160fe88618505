import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { ConfigDict, Kwargs, LayerArgs, Shape } from './layer-types';
import { checkOneOf } from './validate';

/** Arguments of {@link TokenPooling}. */
export interface TokenPoolingArgs extends LayerArgs {
  /** `'cls'`: the first (class) token; `'mean'`: the mean of the other tokens. Default `'cls'`. */
  mode?: 'cls' | 'mean';
}

/**
 * A sequence `[B, T, D]` to one vector per example `[B, D]`: the class
 * token (position 0), or the mean over positions 1..T-1 (MAE's
 * `global_pool`, which leaves the class token out). No weights.
 * Serializable (class name `SslTokenPooling`, registered on import).
 */
export class TokenPooling extends tfl.layers.Layer {
  /** @nocollapse */
  static readonly className = 'SslTokenPooling';
  readonly mode: 'cls' | 'mean';

  constructor(args: TokenPoolingArgs = {}) {
    super(args);
    this.mode = checkOneOf('TokenPooling', 'mode', args.mode ?? 'cls', ['cls', 'mean'] as const);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const s = inputShape as Shape;
    return [s[0], s[s.length - 1]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D; // [B, T, D]
      const [b, t, d] = x.shape;
      if (this.mode === 'cls') return tf.reshape(tf.slice(x, [0, 0, 0], [b, 1, d]), [b, d]);
      if (t < 2) throw new Error(`TokenPooling: 'mean' needs T >= 2 tokens, got ${t}`);
      return tf.mean(tf.slice(x, [0, 1, 0], [b, t - 1, d]), 1);
    });
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), mode: this.mode };
  }
}
tf.serialization.registerClass(TokenPooling);

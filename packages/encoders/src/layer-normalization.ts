import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { ConfigDict, Kwargs, LayerArgs, Shape } from './layer-types';
import { checkPositive } from './validate';

/** Arguments of {@link LayerNormalization}. */
export interface LayerNormalizationArgs extends LayerArgs {
  /** Added to the variance before the square root. Default `1e-3` (as `tf.layers.layerNormalization`; BERT uses `1e-12`). */
  epsilon?: number;
}

/**
 * Layer normalization over the last axis, with a learned per-feature scale
 * `gamma` (init 1) and offset `beta` (init 0):
 *
 * ```
 * mean = mean(x, -1)               var = mean((x - mean)^2, -1)
 * y    = gamma * (x - mean) / sqrt(var + epsilon) + beta
 * ```
 *
 * Same math, weights (`gamma`, `beta`, shape `[D]`) and weight order as
 * `tf.layers.layerNormalization({ axis: -1 })`, but built only from
 * broadcasting element-wise ops and last-axis means, whose gradients are a
 * handful of whole-tensor kernels. tfjs-layers 4.22 tiles `gamma`, `beta`,
 * the mean and the variance to the input's shape before `batchNorm`, and the
 * gradient of `tile` is one `Slice` + `Add` per tiled copy: 2·B·T + 2·D tiny
 * kernels per layer norm per step, most of a Transformer's training step on
 * the cpu and wasm backends. Here forward + backward cost a fixed few dozen
 * kernels, whatever B and T.
 *
 * Serializable (class name `SslLayerNormalization`, registered on import).
 *
 * Reference: Ba, Kiros and Hinton, "Layer Normalization", 2016.
 *
 * @example
 * ```ts
 * const x = tf.input({ shape: [null, 64] });
 * const y = new LayerNormalization({ epsilon: 1e-12 }).apply(x); // [B, T, 64]
 * ```
 */
export class LayerNormalization extends tfl.layers.Layer {
  /** @nocollapse */
  static readonly className = 'SslLayerNormalization';
  readonly epsilon: number;
  private gamma: tfl.LayerVariable | null = null;
  private beta: tfl.LayerVariable | null = null;

  constructor(args: LayerNormalizationArgs = {}) {
    super(args);
    this.epsilon = checkPositive('LayerNormalization', 'epsilon', args.epsilon ?? 1e-3);
    this.supportsMasking = true;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const dim = shape[shape.length - 1];
    if (shape.length < 2 || dim == null) {
      throw new Error(
        `LayerNormalization: input must be [..., D] (rank >= 2) with a known D, got [${shape.join(',')}]`,
      );
    }
    this.gamma = this.addWeight('gamma', [dim], 'float32', tfl.initializers.ones());
    this.beta = this.addWeight('beta', [dim], 'float32', tfl.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs; // [..., D]
      const mean = tf.mean(x, -1, true); // [..., 1]
      const centered = tf.sub(x, mean); // [..., D]
      const variance = tf.mean(tf.square(centered), -1, true); // [..., 1]
      const normed = tf.mul(centered, tf.rsqrt(tf.add(variance, this.epsilon))); // [..., D]
      // gamma, beta: [D], broadcast over the leading axes.
      return tf.add(tf.mul(normed, this.gamma!.read()), this.beta!.read());
    });
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon };
  }
}
tf.serialization.registerClass(LayerNormalization);

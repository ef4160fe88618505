import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

// The base arguments of every layer, from tfjs-layers' public API (a deep
// import of dist/engine/topology has no types under moduleResolution node16).
type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;

/** Arguments of {@link SequencePooling}. */
export interface SequencePoolingArgs extends LayerArgs {
  /** 'cls': the first position ([CLS]); 'mean': the mean over positions where the mask is 1. Default 'cls'. */
  mode?: 'cls' | 'mean';
}

/**
 * Pools token states [B, T, D] (with the attention mask [B, T]) into one vector [B, D]
 * per sequence: BERT's [CLS] vector or the masked mean (Sentence-BERT).
 */
export class SequencePooling extends tfl.layers.Layer {
  static readonly className = 'SslSequencePooling';
  readonly mode: 'cls' | 'mean';

  constructor(args: SequencePoolingArgs = {}) {
    super(args);
    const mode = args.mode ?? 'cls';
    if (mode !== 'cls' && mode !== 'mean') {
      throw new Error(`SequencePooling: mode must be 'cls' or 'mean', got ${JSON.stringify(mode)}`);
    }
    this.mode = mode;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const h = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    return [h[0], h[2]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const [h, mask] = Array.isArray(inputs) ? inputs : [inputs, undefined];
      if (h.rank !== 3)
        throw new Error(`SequencePooling: hidden states must be [B, T, D], got [${h.shape}]`);
      const [b, , d] = h.shape;
      if (this.mode === 'cls') return tf.reshape(tf.slice(h, [0, 0, 0], [b, 1, d]), [b, d]); // [B, D]
      const m = mask
        ? tf.expandDims(tf.cast(mask, 'float32'), -1)
        : tf.onesLike(tf.slice(h, [0, 0, 0], [b, -1, 1])); // [B, T, 1]
      const sum = tf.sum(tf.mul(h, m), 1); // [B, D]
      const count = tf.maximum(tf.sum(m, 1), 1); // [B, 1]
      return tf.div(sum, count);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), mode: this.mode };
  }
}
tf.serialization.registerClass(SequencePooling);

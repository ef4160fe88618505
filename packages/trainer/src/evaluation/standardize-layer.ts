import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;

/** Arguments of {@link Standardize}. */
export interface StandardizeArgs extends LayerArgs {
  /** Width D of the features `[B, D]`. */
  units: number;
}

/**
 * Per-feature standardisation `(x − mean) / std` of features `[B, D]`, with
 * `mean` and `std` (both `[D]`) held as non-trainable weights, so that a saved
 * classifier carries the statistics its head was fitted on. The same two ops,
 * in the same order, as the linear probe's standardisation.
 */
export class Standardize extends tfl.layers.Layer {
  static readonly className = 'SslStandardize';
  readonly units: number;
  private mean?: tfl.LayerVariable;
  private std?: tfl.LayerVariable;

  constructor(args: StandardizeArgs) {
    super(args);
    if (!(Number.isInteger(args.units) && args.units >= 1)) {
      throw new Error(`Standardize: units must be an integer >= 1, got ${args.units}`);
    }
    this.units = args.units;
  }

  override build(): void {
    const d = this.units;
    this.mean = this.addWeight('mean', [d], 'float32', tfl.initializers.zeros(), undefined, false);
    this.std = this.addWeight('std', [d], 'float32', tfl.initializers.ones(), undefined, false);
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return inputShape as tfl.Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs; // [B, D]
      return tf.div(tf.sub(x, this.mean!.read()), this.std!.read());
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units };
  }
}
tf.serialization.registerClass(Standardize);

import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** The base arguments of every tfjs-layers layer (name, trainable, dtype, ...). */
export type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;

/** A layer's input or output shape; `null` is an unknown (batch or sequence) size. */
export type Shape = tfl.Shape;

/** The keyword arguments tfjs-layers passes to `call()` (e.g. `training`). */
export type Kwargs = Record<string, unknown>;

/** A plain JSON config as returned by `getConfig()`. */
export type ConfigDict = tf.serialization.ConfigDict;

import * as tfl from '@tensorflow/tfjs-layers';
import { InitStream } from './init';
import { checkInt, checkName, checkShape, checkWidths } from './validate';

/** Options of {@link convEncoder}. Every field is optional. */
export interface ConvEncoderOptions {
  /** Image shape `[height, width, channels]` (NHWC, batch left out). Default `[28, 28, 1]` (MNIST). Height and width must be >= 14. */
  inputShape?: [number, number, number];
  /** Output channels of the three convolutions. Default `[32, 64, 128]`. */
  filters?: [number, number, number];
  /** When set, a `Dense(hiddenDim, relu)` follows the global average pool and the representation is `[N, hiddenDim]`. Default: none (representation `[N, filters[2]]`). */
  hiddenDim?: number;
  /** Batch normalisation after each convolution (conv without bias -> BN -> ReLU). Default `false`. */
  batchNorm?: boolean;
  /** Model name; also the prefix of every layer name. Default `'conv_encoder'`. */
  name?: string;
  /** Seed of the weight initialisers: same seed, same initial weights. Default `0`. */
  seed?: number;
}

const FN = 'convEncoder';

/**
 * The small CNN of the SimCLR reference training step, as a serializable
 * tfjs-layers model. With the defaults it is exactly:
 * `conv(32, 3x3, valid, relu) -> maxpool 2 -> conv(64, 3x3, same, relu) ->
 * maxpool 2 -> conv(128, 3x3, stride 2, valid, relu) -> global average pool`,
 * giving a representation `[N, 128]` for `[N, 28, 28, 1]` inputs.
 *
 * Weights: Glorot uniform kernels and zero biases (the Keras defaults the
 * reference uses), seeded. Put a {@link projectionHead} on top for contrastive
 * training; it is a separate model so the representation can be probed.
 *
 * Reference: Chen et al., "A Simple Framework for Contrastive Learning of Visual
 * Representations" (SimCLR), 2020 — here with a small CNN for 28x28 images.
 *
 * @example
 * ```ts
 * const encoder = convEncoder(); // [N,28,28,1] -> [N,128]
 * const h = encoder.predict(tf.zeros([2, 28, 28, 1])) as tf.Tensor2D;
 * ```
 */
export function convEncoder(options: ConvEncoderOptions = {}): tfl.LayersModel {
  const {
    inputShape = [28, 28, 1],
    filters = [32, 64, 128],
    hiddenDim,
    batchNorm = false,
    name = 'conv_encoder',
    seed = 0,
  } = options;
  const [height, width] = checkShape(FN, 'inputShape', inputShape, 3);
  checkWidths(FN, 'filters', filters);
  if (filters.length !== 3) {
    throw new Error(`${FN}: filters must hold exactly 3 widths, got ${filters.length}`);
  }
  if (hiddenDim !== undefined) checkInt(FN, 'hiddenDim', hiddenDim);
  checkName(FN, 'name', name);
  checkInt(FN, 'seed', seed, 0);
  // Spatial size: 3x3 valid conv (-2), pool /2, same conv, pool /2, 3x3 stride-2 valid conv.
  const minSide = Math.min(height, width);
  if (Math.floor(Math.floor((minSide - 2) / 2) / 2) < 3) {
    throw new Error(
      `${FN}: inputShape height and width must be >= 14 (the third conv needs a 3x3 map), got [${inputShape.join(',')}]`,
    );
  }

  // Weight initialisation, in one place: Glorot uniform kernels, zero biases.
  const init = new InitStream(seed);

  const input = tfl.input({ shape: inputShape, name: `${name}_input` });
  let x = input;
  const convs = [
    { padding: 'valid', strides: 1, pool: true },
    { padding: 'same', strides: 1, pool: true },
    { padding: 'valid', strides: 2, pool: false },
  ] as const;
  convs.forEach((c, i) => {
    const n = i + 1;
    x = tfl.layers
      .conv2d({
        filters: filters[i],
        kernelSize: 3,
        strides: c.strides,
        padding: c.padding,
        activation: batchNorm ? 'linear' : 'relu',
        useBias: !batchNorm,
        kernelInitializer: init.glorotUniform(),
        name: `${name}_conv${n}`,
      })
      .apply(x) as tfl.SymbolicTensor;
    if (batchNorm) {
      x = tfl.layers
        .batchNormalization({ momentum: 0.9, epsilon: 1e-5, name: `${name}_bn${n}` })
        .apply(x) as tfl.SymbolicTensor;
      x = tfl.layers.reLU({ name: `${name}_relu${n}` }).apply(x) as tfl.SymbolicTensor;
    }
    if (c.pool) {
      x = tfl.layers
        .maxPooling2d({ poolSize: 2, strides: 2, name: `${name}_pool${n}` })
        .apply(x) as tfl.SymbolicTensor;
    }
  });
  // [N, h, w, C] -> [N, C]
  x = tfl.layers.globalAveragePooling2d({ name: `${name}_gap` }).apply(x) as tfl.SymbolicTensor;
  if (hiddenDim !== undefined) {
    x = tfl.layers
      .dense({
        units: hiddenDim,
        activation: 'relu',
        kernelInitializer: init.glorotUniform(),
        name: `${name}_hidden`,
      })
      .apply(x) as tfl.SymbolicTensor;
  }
  return tfl.model({ inputs: input, outputs: x, name });
}

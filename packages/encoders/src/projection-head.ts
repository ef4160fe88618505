import * as tfl from '@tensorflow/tfjs-layers';
import { mlp } from './mlp';
import { checkInt, checkName, checkOneOf } from './validate';

/** Options of {@link projectionHead}. Only `inputDim` is required. */
export interface ProjectionHeadOptions {
  /** Size of the representation fed in (the encoder's output). Required. */
  inputDim: number;
  /** Width of the hidden layers. Default `512`. */
  hiddenDim?: number;
  /** Size of the projection (the loss's embedding). Default `128`. */
  outputDim?: number;
  /** Number of linear layers, 2 (SimCLR, MoCo v2) or 3 (SimCLR v2). Default `2`. */
  numLayers?: 2 | 3;
  /** Batch normalisation after each hidden linear layer (which then has no bias). Default `true`. */
  batchNorm?: boolean;
  /** Model name; also the prefix of every layer name. Default `'projection_head'`. */
  name?: string;
  /** Seed of the weight initialisers: same seed, same initial weights. Default `0`. */
  seed?: number;
}

const FN = 'projectionHead';

/**
 * The SimCLR / MoCo v2 projection MLP: `(Linear -> BN -> ReLU) x (numLayers-1)
 * -> Linear`; the last layer has a bias and no ReLU or BN. A separate model,
 * so the encoder's representation stays available for probing.
 *
 * BN uses momentum 0.9 and epsilon 1e-5 (PyTorch's defaults). Weights: Glorot
 * uniform kernels, zero biases, seeded.
 *
 * References: Chen et al., SimCLR (2020) and SimCLR v2 (2020); Chen et al.,
 * "Improved Baselines with Momentum Contrastive Learning" (MoCo v2), 2020.
 *
 * @example
 * ```ts
 * const head = projectionHead({ inputDim: 128, hiddenDim: 128, outputDim: 64 });
 * const z = head.predict(encoder.predict(images) as tf.Tensor) as tf.Tensor2D; // [N, 64]
 * ```
 */
export function projectionHead(options: ProjectionHeadOptions): tfl.LayersModel {
  if (options === null || typeof options !== 'object') {
    throw new Error(`${FN}: options must be an object with inputDim, got ${String(options)}`);
  }
  const {
    inputDim,
    hiddenDim = 512,
    outputDim = 128,
    numLayers = 2,
    batchNorm = true,
    name = 'projection_head',
    seed = 0,
  } = options;
  checkInt(FN, 'inputDim', inputDim);
  checkInt(FN, 'hiddenDim', hiddenDim);
  checkInt(FN, 'outputDim', outputDim);
  checkOneOf(FN, 'numLayers', numLayers, [2, 3] as const);
  checkName(FN, 'name', name);
  checkInt(FN, 'seed', seed, 0);
  return mlp({ inputDim, hiddenDim, outputDim, numLayers, batchNorm, name, seed });
}

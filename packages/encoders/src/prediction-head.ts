import * as tfl from '@tensorflow/tfjs-layers';
import { mlp } from './mlp';
import { checkInt, checkName } from './validate';

/** Options of {@link predictionHead}. Only `inputDim` is required. */
export interface PredictionHeadOptions {
  /** Size of the projection fed in. Required. */
  inputDim: number;
  /** Width of the hidden layer. Default `512` (SimSiam's bottleneck; BYOL uses 4096). */
  hiddenDim?: number;
  /** Size of the prediction; must equal the target projection's size. Default `inputDim`. */
  outputDim?: number;
  /** Batch norm after the hidden layer. Default `true`; `false` gives `Linear -> ReLU -> Linear` (the hidden layer then has a bias). */
  batchNorm?: boolean;
  /** Model name; also the prefix of every layer name. Default `'prediction_head'`. */
  name?: string;
  /** Seed of the weight initialisers: same seed, same initial weights. Default `0`. */
  seed?: number;
}

const FN = 'predictionHead';

/**
 * The BYOL / SimSiam predictor: `Linear -> BN -> ReLU -> Linear` (the hidden
 * linear layer has no bias, BN follows; the output has a bias, no BN, no ReLU).
 * BN uses momentum 0.9 and epsilon 1e-5. Weights: Glorot uniform, seeded.
 *
 * References: Grill et al., "Bootstrap Your Own Latent" (BYOL), 2020; Chen &
 * He, "Exploring Simple Siamese Representation Learning" (SimSiam), 2021.
 *
 * @example
 * ```ts
 * const predictor = predictionHead({ inputDim: 128, hiddenDim: 64 }); // [N,128] -> [N,128]
 * ```
 */
export function predictionHead(options: PredictionHeadOptions): tfl.LayersModel {
  if (options === null || typeof options !== 'object') {
    throw new Error(`${FN}: options must be an object with inputDim, got ${String(options)}`);
  }
  const {
    inputDim,
    hiddenDim = 512,
    name = 'prediction_head',
    seed = 0,
    batchNorm = true,
  } = options;
  checkInt(FN, 'inputDim', inputDim);
  const outputDim = options.outputDim ?? inputDim;
  checkInt(FN, 'hiddenDim', hiddenDim);
  checkInt(FN, 'outputDim', outputDim);
  checkName(FN, 'name', name);
  checkInt(FN, 'seed', seed, 0);
  if (typeof batchNorm !== 'boolean') {
    throw new Error(`${FN}: batchNorm must be true or false, got ${String(batchNorm)}`);
  }
  return mlp({ inputDim, hiddenDim, outputDim, numLayers: 2, batchNorm, name, seed });
}

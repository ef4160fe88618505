import type { LayersModel } from '@tensorflow/tfjs-layers';
import { predictionHead, projectionHead } from '@ssl/encoders';
import { headSeed, representationDim } from './model-state';
import type { ProjectorOptions } from './options';

/**
 * The projection head of the image method `name`: `projectionHead` from
 * @ssl/encoders (2 layers, batch norm unless `batchNorm` is false) `[B, inputDim] -> [B, projectionDim]`,
 * named `${name}_projector`, its initialisers seeded by head 0 of the run's `seed`.
 */
export function methodProjector(
  name: string,
  inputDim: number,
  projectionDim: number,
  hiddenDim: number,
  seed: number,
  batchNorm = true,
): LayersModel {
  return projectionHead({
    inputDim,
    hiddenDim,
    outputDim: projectionDim,
    numLayers: 2,
    batchNorm,
    name: `${name}_projector`,
    seed: headSeed(seed, 0),
  });
}

/**
 * The prediction head of BYOL and SimSiam: `predictionHead` from
 * @ssl/encoders `[B, projectionDim] -> [B, projectionDim]`, named
 * `${name}_predictor`, its initialisers seeded by head 1 of the run's `seed`.
 */
export function methodPredictor(
  name: string,
  projectionDim: number,
  hiddenDim: number,
  seed: number,
  batchNorm = true,
): LayersModel {
  return predictionHead({
    inputDim: projectionDim,
    hiddenDim,
    batchNorm,
    name: `${name}_predictor`,
    seed: headSeed(seed, 1),
  });
}

/**
 * The projection head of method `name` for `encoder` with the method's
 * projector options (`projectionDim` 128, `hiddenDim` 512, `headBatchNorm` true by default).
 */
export function projectorOf(
  name: string,
  encoder: LayersModel,
  opts: ProjectorOptions,
  seed: number,
): LayersModel {
  const { projectionDim = 128, hiddenDim = 512, headBatchNorm = true } = opts;
  const inputDim = representationDim(name, encoder);
  return methodProjector(name, inputDim, projectionDim, hiddenDim, seed, headBatchNorm);
}

/** The prediction head of method `name` (BYOL, SimSiam) with the method's options. */
export function predictorOf(
  name: string,
  opts: ProjectorOptions,
  predictorHiddenDim: number,
  seed: number,
): LayersModel {
  const { projectionDim = 128, headBatchNorm = true } = opts;
  return methodPredictor(name, projectionDim, predictorHiddenDim, seed, headBatchNorm);
}

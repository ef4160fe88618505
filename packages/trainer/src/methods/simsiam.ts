import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { predictionHead, projectionHead } from '@ssl/encoders';
import { negativeCosineSimilarity } from '@ssl/losses';
import type { Method } from './method';
import type { ProjectorOptions } from './options';
import {
  forward,
  headSeed,
  modelState,
  representationDim,
  setModelState,
  trainableVariables,
} from './model-state';
import { twoViews } from './views';

/** Options of {@link simsiam}. */
export interface SimsiamOptions extends ProjectorOptions {
  /** Bottleneck width of the predictor. Default `projectionDim / 4` (SimSiam's 2048 -> 512 ratio), at least 1. */
  predictorHiddenDim?: number;
}

/**
 * SimSiam (Chen & He 2021, "Exploring Simple Siamese Representation
 * Learning"): encoder + projector on both views, a predictor on top, and the
 * symmetric negative cosine similarity `(D(p1, sg(z2)) + D(p2, sg(z1))) / 2`
 * with a stop-gradient on the projections (no negatives, no momentum
 * encoder). The loss is in [-1, 1]; -1 means the predictions match.
 *
 * Defaults: projectionDim 128, hiddenDim 512, predictorHiddenDim projectionDim/4, augment by image size.
 *
 * @example
 * ```ts
 * await pretrain({ method: simsiam(), encoder, data: images, epochs: 5, batchSize: 128, optimizer: tf.train.momentum(0.05, 0.9) });
 * ```
 */
export function simsiam(opts: SimsiamOptions = {}): Method<tf.Tensor4D> {
  const fn = 'simsiam';
  const { projectionDim = 128, hiddenDim = 512, augment } = opts;
  const predictorHiddenDim = opts.predictorHiddenDim ?? Math.max(1, Math.floor(projectionDim / 4));
  let encoder: LayersModel | undefined;
  let projector: LayersModel | undefined;
  let predictor: LayersModel | undefined;
  let views: ReturnType<typeof twoViews> | undefined;
  const built = () => {
    if (!encoder || !projector || !predictor || !views)
      throw new Error(`${fn}: call build() first (pretrain does)`);
    return { encoder, projector, predictor, views };
  };
  const dispose = () => {
    projector?.dispose();
    predictor?.dispose();
    projector = predictor = undefined;
  };
  return {
    name: 'simsiam',
    build(enc, ctx) {
      const inputDim = representationDim(fn, enc);
      views = twoViews(fn, augment, ctx.inputShape);
      dispose();
      encoder = enc;
      projector = projectionHead({
        inputDim,
        hiddenDim,
        outputDim: projectionDim,
        name: 'simsiam_projector',
        seed: headSeed(ctx.seed, 0),
      });
      predictor = predictionHead({
        inputDim: projectionDim,
        hiddenDim: predictorHiddenDim,
        name: 'simsiam_predictor',
        seed: headSeed(ctx.seed, 1),
      });
    },
    trainableVariables() {
      const m = built();
      return trainableVariables(m.encoder, m.projector, m.predictor);
    },
    loss(batch, ctx) {
      const m = built();
      return tf.tidy(() => {
        const [v1, v2] = m.views(batch, ctx.rng);
        const b = batch.shape[0];
        const z = forward(m.projector, forward(m.encoder, tf.concat([v1, v2], 0))); // [2B, P]
        const p = forward(m.predictor, z); // [2B, P]
        const [z1, z2] = tf.split(z, [b, b], 0) as [tf.Tensor2D, tf.Tensor2D];
        const [p1, p2] = tf.split(p, [b, b], 0) as [tf.Tensor2D, tf.Tensor2D];
        return tf.mul(
          tf.add(negativeCosineSimilarity(p1, z2), negativeCosineSimilarity(p2, z1)),
          0.5,
        ) as tf.Scalar;
      });
    },
    getState() {
      const m = built();
      return {
        tensors: {
          ...modelState('projector', m.projector),
          ...modelState('predictor', m.predictor),
        },
      };
    },
    setState(state) {
      const m = built();
      setModelState(fn, 'projector', m.projector, state.tensors);
      setModelState(fn, 'predictor', m.predictor, state.tensors);
    },
    dispose,
  };
}

import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { defineMethod } from './define-method';
import { predictorOf, projectorOf } from './heads';
import type { Method } from './method';
import type { ProjectorOptions } from './options';
import { forward, trainableVariables } from './model-state';
import type { TwoViews } from './projector-method';
import { symmetricNegativeCosine } from './symmetric-negative-cosine';
import { twoViews, type ViewMaker, twoViewsOf } from './views';
import { PROJECTOR_OPTIONS, type MethodEntry } from './method-entry';

/** Options of {@link simsiam}. */
export interface SimsiamOptions extends ProjectorOptions {
  /** Bottleneck width of the predictor. Default `projectionDim / 4` (SimSiam's 2048 -> 512 ratio), at least 1. */
  predictorHiddenDim?: number;
}

/** SimSiam's outputs: projections `z1, z2` and predictions `p1, p2` of the two views, `[B, P]` each. */
export type SimsiamOutputs = { z1: tf.Tensor2D; z2: tf.Tensor2D; p1: tf.Tensor2D; p2: tf.Tensor2D };

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
export function simsiam(opts: SimsiamOptions = {}): Method<TwoViews, SimsiamOutputs> {
  const fn = 'simsiam';
  const { projectionDim = 128, augment } = opts;
  const predictorHiddenDim = opts.predictorHiddenDim ?? Math.max(1, Math.floor(projectionDim / 4));
  return defineMethod<
    { models: { projector: LayersModel; predictor: LayersModel }; views: ViewMaker },
    TwoViews,
    SimsiamOutputs
  >({
    name: 'simsiam',
    options: opts,
    build(enc, ctx) {
      const views = twoViews(fn, augment, ctx.inputShape);
      const projector = projectorOf(fn, enc, opts, ctx.seed);
      const predictor = predictorOf(fn, opts, predictorHiddenDim, ctx.seed);
      return { models: { projector, predictor }, views };
    },
    trainableVariables: (p) =>
      trainableVariables(p.encoder, p.models.projector, p.models.predictor),
    prepare: (p, batch, ctx) => twoViewsOf(fn, p.views, batch, ctx.rng),
    forward(m, { view0, view1 }) {
      return tf.tidy(() => {
        const x = tf.concat([view0, view1], 0); // [2B, H, W, C]
        const z = forward(m.models.projector, forward(m.encoder, x)) as tf.Tensor2D; // [2B, P]
        const p = forward(m.models.predictor, z) as tf.Tensor2D; // [2B, P]
        const b = view0.shape[0];
        const [z1, z2] = tf.split(z, [b, b], 0) as [tf.Tensor2D, tf.Tensor2D]; // [B, P] each
        const [p1, p2] = tf.split(p, [b, b], 0) as [tf.Tensor2D, tf.Tensor2D];
        return { z1, z2, p1, p2 };
      });
    },
    loss: (_m, { z1, z2, p1, p2 }) => ({ loss: symmetricNegativeCosine(p1, p2, z1, z2) }),
  });
}

/** SimSiam in the method registry. */
export const simsiamEntry: MethodEntry = {
  name: 'simsiam',
  summary: 'SimSiam (Chen & He 2021): predictor + stop-gradient, no negatives, no momentum encoder',
  modality: 'images',
  options: [
    ...PROJECTOR_OPTIONS,
    {
      name: 'predictorHiddenDim',
      type: 'integer',
      default: 'projectionDim / 4',
      doc: 'bottleneck width of the predictor',
    },
  ],
  create: (o) => simsiam(o as SimsiamOptions),
};

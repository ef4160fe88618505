import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { defineMethod } from './define-method';
import { predictorOf, projectorOf } from './heads';
import type { Method } from './method';
import type { ProjectorOptions } from './options';
import { forward, trainableVariables } from './model-state';
import { checkMomentum, cloneModel, emaUpdate } from './momentum-model';
import type { TwoViews } from './projector-method';
import { symmetricNegativeCosine } from './symmetric-negative-cosine';
import { twoViews, type ViewMaker, twoViewsOf } from './views';
import { PROJECTOR_OPTIONS, type MethodEntry } from './method-entry';

/** Options of {@link byol}. */
export interface ByolOptions extends ProjectorOptions {
  /** Base EMA momentum tau_base of the target network; rises to 1 on a cosine over the run. Default 0.996. */
  momentum?: number;
  /** Hidden width of the predictor. Default 512 (BYOL: 4096). */
  predictorHiddenDim?: number;
}

/**
 * The target momentum at `step` of `totalSteps` (BYOL, section 3.2):
 * `1 - (1 - base) * (cos(pi * step / totalSteps) + 1) / 2`.
 */
export function byolMomentum(base: number, step: number, totalSteps: number): number {
  return 1 - ((1 - base) * (Math.cos((Math.PI * step) / Math.max(1, totalSteps)) + 1)) / 2;
}

/** BYOL's outputs: online predictions `p1, p2` and target projections `t1, t2` (no gradient path), `[B, P]` each. */
export type ByolOutputs = { p1: tf.Tensor2D; p2: tf.Tensor2D; t1: tf.Tensor2D; t2: tf.Tensor2D };

type ByolParts = {
  models: {
    projector: LayersModel;
    predictor: LayersModel;
    target_encoder: LayersModel;
    target_projector: LayersModel;
  };
  views: ViewMaker;
};

/**
 * BYOL (Grill et al. 2020, "Bootstrap Your Own Latent"): an online network
 * (encoder, projector, predictor) predicts the projection that a target
 * network (an EMA copy of encoder and projector, no gradients) gives for the
 * other view; symmetric loss, mean negative cosine similarity in [-1, 1].
 * After each step the target moves: `target = tau * target + (1 - tau) * online`
 * with tau from {@link byolMomentum} (logged as the `momentum` metric).
 *
 * Defaults: momentum 0.996, projectionDim 128, hiddenDim 512, predictorHiddenDim 512, augment by image size.
 *
 * @example
 * ```ts
 * await pretrain({ method: byol({ momentum: 0.99 }), encoder, data: images, epochs: 5, batchSize: 128 });
 * ```
 */
export function byol(opts: ByolOptions = {}): Method<TwoViews, ByolOutputs> {
  const fn = 'byol';
  const { momentum = 0.996, predictorHiddenDim = 512, augment } = opts;
  checkMomentum(fn, momentum);
  const tau = (step: number, totalSteps: number) => byolMomentum(momentum, step + 1, totalSteps);
  return defineMethod<ByolParts, TwoViews, ByolOutputs>({
    name: 'byol',
    options: opts,
    async build(enc, ctx) {
      const views = twoViews(fn, augment, ctx.inputShape);
      const projector = projectorOf(fn, enc, opts, ctx.seed);
      const predictor = predictorOf(fn, opts, predictorHiddenDim, ctx.seed);
      const models = {
        projector,
        predictor,
        target_encoder: await cloneModel(enc),
        target_projector: await cloneModel(projector),
      };
      return { models, views };
    },
    trainableVariables: (p) =>
      trainableVariables(p.encoder, p.models.projector, p.models.predictor),
    prepare: (p, batch, ctx) => twoViewsOf(fn, p.views, batch, ctx.rng),
    forward({ encoder, models: m }, { view0, view1 }) {
      return tf.tidy(() => {
        const b = view0.shape[0];
        const x = tf.concat([view0, view1], 0); // [2B, H, W, C]
        const p = forward(m.predictor, forward(m.projector, forward(encoder, x))); // [2B, P]
        const t = forward(m.target_projector, forward(m.target_encoder, x)); // [2B, P], no gradient path
        const [p1, p2] = tf.split(p, [b, b], 0) as [tf.Tensor2D, tf.Tensor2D]; // [B, P] each
        const [t1, t2] = tf.split(t, [b, b], 0) as [tf.Tensor2D, tf.Tensor2D];
        return { p1, p2, t1, t2 };
      });
    },
    loss: (_p, { p1, p2, t1, t2 }) => ({ loss: symmetricNegativeCosine(p1, p2, t1, t2) }),
    afterStep({ encoder, models: m }, ctx) {
      const t = tau(ctx.step, ctx.totalSteps);
      emaUpdate(encoder, m.target_encoder, t);
      emaUpdate(m.projector, m.target_projector, t);
    },
    metrics: (_p, ctx) => ({ momentum: tau(ctx.step, ctx.totalSteps) }),
  });
}

/** BYOL in the method registry. */
export const byolEntry: MethodEntry = {
  name: 'byol',
  summary: 'BYOL (Grill et al. 2020): online network predicts an EMA target of the other view',
  modality: 'images',
  options: [
    { name: 'momentum', type: 'number', default: 0.996, doc: 'base EMA momentum (cosine to 1)' },
    ...PROJECTOR_OPTIONS,
    {
      name: 'predictorHiddenDim',
      type: 'integer',
      default: 512,
      doc: 'hidden width of the predictor',
    },
  ],
  create: (o) => byol(o as ByolOptions),
};

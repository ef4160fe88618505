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
import { cloneModel, emaUpdate } from './momentum-model';
import { twoViews } from './views';

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
export function byol(opts: ByolOptions = {}): Method<tf.Tensor4D> {
  const fn = 'byol';
  const {
    momentum = 0.996,
    projectionDim = 128,
    hiddenDim = 512,
    predictorHiddenDim = 512,
    augment,
  } = opts;
  if (!(momentum >= 0 && momentum <= 1))
    throw new Error(`byol: momentum must be in [0, 1], got ${momentum}`);
  let encoder: LayersModel | undefined;
  let m:
    | {
        projector: LayersModel;
        predictor: LayersModel;
        targetEncoder: LayersModel;
        targetProjector: LayersModel;
      }
    | undefined;
  let views: ReturnType<typeof twoViews> | undefined;
  const built = () => {
    if (!encoder || !m || !views) throw new Error(`${fn}: call build() first (pretrain does)`);
    return { encoder, views, ...m };
  };
  const dispose = () => {
    if (m) Object.values(m).forEach((model) => model.dispose());
    m = undefined;
  };
  const tau = (step: number, totalSteps: number) => byolMomentum(momentum, step + 1, totalSteps);
  return {
    name: 'byol',
    async build(enc, ctx) {
      const inputDim = representationDim(fn, enc);
      views = twoViews(fn, augment, ctx.inputShape);
      dispose();
      encoder = enc;
      const projector = projectionHead({
        inputDim,
        hiddenDim,
        outputDim: projectionDim,
        name: 'byol_projector',
        seed: headSeed(ctx.seed, 0),
      });
      const predictor = predictionHead({
        inputDim: projectionDim,
        hiddenDim: predictorHiddenDim,
        name: 'byol_predictor',
        seed: headSeed(ctx.seed, 1),
      });
      m = {
        projector,
        predictor,
        targetEncoder: await cloneModel(enc),
        targetProjector: await cloneModel(projector),
      };
    },
    trainableVariables() {
      const s = built();
      return trainableVariables(s.encoder, s.projector, s.predictor);
    },
    loss(batch, ctx) {
      const s = built();
      return tf.tidy(() => {
        const [v1, v2] = s.views(batch, ctx.rng);
        const b = batch.shape[0];
        const x = tf.concat([v1, v2], 0); // [2B, H, W, C]
        const p = forward(s.predictor, forward(s.projector, forward(s.encoder, x))); // [2B, P]
        const zt = forward(s.targetProjector, forward(s.targetEncoder, x)); // [2B, P], no gradient path
        const [p1, p2] = tf.split(p, [b, b], 0) as [tf.Tensor2D, tf.Tensor2D];
        const [t1, t2] = tf.split(zt, [b, b], 0) as [tf.Tensor2D, tf.Tensor2D];
        return tf.mul(
          tf.add(negativeCosineSimilarity(p1, t2), negativeCosineSimilarity(p2, t1)),
          0.5,
        ) as tf.Scalar;
      });
    },
    afterStep(ctx) {
      const s = built();
      const t = tau(ctx.step, ctx.totalSteps);
      emaUpdate(s.encoder, s.targetEncoder, t);
      emaUpdate(s.projector, s.targetProjector, t);
    },
    metrics(ctx) {
      return { momentum: tau(ctx.step, ctx.totalSteps) };
    },
    getState() {
      const s = built();
      return {
        tensors: {
          ...modelState('projector', s.projector),
          ...modelState('predictor', s.predictor),
          ...modelState('target_encoder', s.targetEncoder),
          ...modelState('target_projector', s.targetProjector),
        },
      };
    },
    setState(state) {
      const s = built();
      setModelState(fn, 'projector', s.projector, state.tensors);
      setModelState(fn, 'predictor', s.predictor, state.tensors);
      setModelState(fn, 'target_encoder', s.targetEncoder, state.tensors);
      setModelState(fn, 'target_projector', s.targetProjector, state.tensors);
    },
    dispose,
  };
}

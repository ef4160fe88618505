import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { methodPredictor, methodProjector } from './heads';
import type { Method } from './method';
import type { ProjectorOptions } from './options';
import {
  forward,
  modelsState,
  representationDim,
  setModelsState,
  trainableVariables,
} from './model-state';
import { checkMomentum, cloneModel, emaUpdate } from './momentum-model';
import { symmetricNegativeCosine } from './symmetric-negative-cosine';
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
  checkMomentum(fn, momentum);
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
  /** The models saved in a checkpoint, under their state prefixes. */
  const stateModels = () => {
    const s = built();
    return {
      projector: s.projector,
      predictor: s.predictor,
      target_encoder: s.targetEncoder,
      target_projector: s.targetProjector,
    };
  };
  const tau = (step: number, totalSteps: number) => byolMomentum(momentum, step + 1, totalSteps);
  return {
    name: 'byol',
    async build(enc, ctx) {
      const inputDim = representationDim(fn, enc);
      views = twoViews(fn, augment, ctx.inputShape);
      dispose();
      encoder = enc;
      const projector = methodProjector(fn, inputDim, projectionDim, hiddenDim, ctx.seed);
      const predictor = methodPredictor(fn, projectionDim, predictorHiddenDim, ctx.seed);
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
        const x = tf.concat([v1, v2], 0); // [2B, H, W, C]
        const p = forward(s.predictor, forward(s.projector, forward(s.encoder, x))); // [2B, P]
        const zt = forward(s.targetProjector, forward(s.targetEncoder, x)); // [2B, P], no gradient path
        return symmetricNegativeCosine(p, zt);
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
      return { tensors: modelsState(stateModels()) };
    },
    setState(state) {
      setModelsState(fn, stateModels(), state.tensors);
    },
    dispose,
  };
}

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
import { symmetricNegativeCosine } from './symmetric-negative-cosine';
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
      projector = methodProjector(fn, inputDim, projectionDim, hiddenDim, ctx.seed);
      predictor = methodPredictor(fn, projectionDim, predictorHiddenDim, ctx.seed);
    },
    trainableVariables() {
      const m = built();
      return trainableVariables(m.encoder, m.projector, m.predictor);
    },
    loss(batch, ctx) {
      const m = built();
      return tf.tidy(() => {
        const [v1, v2] = m.views(batch, ctx.rng);
        const z = forward(m.projector, forward(m.encoder, tf.concat([v1, v2], 0))); // [2B, P]
        const p = forward(m.predictor, z); // [2B, P]
        return symmetricNegativeCosine(p, z);
      });
    },
    getState() {
      const { projector, predictor } = built();
      return { tensors: modelsState({ projector, predictor }) };
    },
    setState(state) {
      const { projector, predictor } = built();
      setModelsState(fn, { projector, predictor }, state.tensors);
    },
    dispose,
  };
}

import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { methodProjector } from './heads';
import type { Method } from './method';
import type { ProjectorOptions } from './options';
import {
  forward,
  modelState,
  representationDim,
  setModelState,
  trainableVariables,
} from './model-state';
import { twoViews } from './views';

/**
 * The shape shared by SimCLR, Barlow Twins and VICReg: two augmented views
 * through the encoder and one projection head (both views in one forward
 * pass), then a symmetric loss of the two projections `z1, z2` `[B, P]`.
 */
export function projectorMethod(
  name: string,
  fn: string,
  opts: ProjectorOptions,
  loss: (z1: tf.Tensor2D, z2: tf.Tensor2D) => tf.Scalar,
): Method<tf.Tensor4D> {
  const { projectionDim = 128, hiddenDim = 512, augment } = opts;
  let encoder: LayersModel | undefined;
  let projector: LayersModel | undefined;
  let views: ReturnType<typeof twoViews> | undefined;
  const built = () => {
    if (!encoder || !projector || !views)
      throw new Error(`${fn}: call build() first (pretrain does)`);
    return { encoder, projector, views };
  };
  return {
    name,
    build(enc, ctx) {
      const inputDim = representationDim(fn, enc);
      views = twoViews(fn, augment, ctx.inputShape);
      projector?.dispose();
      encoder = enc;
      projector = methodProjector(name, inputDim, projectionDim, hiddenDim, ctx.seed);
    },
    trainableVariables() {
      const m = built();
      return trainableVariables(m.encoder, m.projector);
    },
    loss(batch, ctx) {
      const m = built();
      return tf.tidy(() => {
        const [v1, v2] = m.views(batch, ctx.rng);
        const b = batch.shape[0];
        const z = forward(m.projector, forward(m.encoder, tf.concat([v1, v2], 0))) as tf.Tensor2D; // [2B, P]
        const [z1, z2] = tf.split(z, [b, b], 0) as [tf.Tensor2D, tf.Tensor2D]; // [B, P] each
        return loss(z1, z2);
      });
    },
    getState() {
      return { tensors: modelState('projector', built().projector) };
    },
    setState(state) {
      setModelState(fn, 'projector', built().projector, state.tensors);
    },
    dispose() {
      projector?.dispose();
      projector = undefined;
    },
  };
}

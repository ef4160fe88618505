import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { defineMethod } from './define-method';
import { projectorOf } from './heads';
import type { Method } from './method';
import type { ProjectorOptions } from './options';
import { forward, representationDim, trainableVariables } from './model-state';
import { twoViews, type ViewMaker, twoViewsOf } from './views';

/** Views of the two-view image methods. */
export type TwoViews = { view0: tf.Tensor4D; view1: tf.Tensor4D };
/** Projections of both views: `z1`, `z2` `[B, P]`. */
export type TwoProjections = { z1: tf.Tensor2D; z2: tf.Tensor2D };

/**
 * The shape shared by SimCLR, Barlow Twins and VICReg: two augmented views
 * (made in `prepare`, outside the tape) through the encoder and one
 * projection head (both views in one forward pass), then a symmetric loss of
 * the two projections `z1, z2` `[B, P]`.
 */
export function projectorMethod(
  name: string,
  fn: string,
  opts: ProjectorOptions,
  loss: (z1: tf.Tensor2D, z2: tf.Tensor2D) => tf.Scalar,
): Method<TwoViews, TwoProjections> {
  const { augment } = opts;
  return defineMethod<
    { models: { projector: LayersModel }; views: ViewMaker },
    TwoViews,
    TwoProjections
  >({
    name,
    fn,
    options: opts,
    build(enc, ctx) {
      representationDim(fn, enc); // checks the encoder, naming the factory
      const views = twoViews(fn, augment, ctx.inputShape);
      const projector = projectorOf(name, enc, opts, ctx.seed);
      return { models: { projector }, views };
    },
    trainableVariables: (p) => trainableVariables(p.encoder, p.models.projector),
    prepare: (p, batch, ctx) => twoViewsOf(fn, p.views, batch, ctx.rng),
    forward: (p, views) => projectTwoViews(p.encoder, p.models.projector, views),
    loss: (_p, { z1, z2 }) => ({ loss: loss(z1, z2) }),
  });
}

/** Both views through `encoder` and `projector` in one forward pass: `z1`, `z2` `[B, P]`. */
export function projectTwoViews(
  encoder: LayersModel,
  projector: LayersModel,
  { view0, view1 }: TwoViews,
): TwoProjections {
  return tf.tidy(() => {
    const b = view0.shape[0];
    const x = tf.concat([view0, view1], 0); // [2B, H, W, C]
    const z = forward(projector, forward(encoder, x)) as tf.Tensor2D; // [2B, P]
    const [z1, z2] = tf.split(z, [b, b], 0) as [tf.Tensor2D, tf.Tensor2D]; // [B, P] each
    return { z1, z2 };
  });
}

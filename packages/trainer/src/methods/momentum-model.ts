import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** Throws unless the momentum (EMA decay) `momentum` of method `fn` is in [0, 1]. */
export function checkMomentum(fn: string, momentum: number): void {
  if (!(momentum >= 0 && momentum <= 1))
    throw new Error(`${fn}: momentum must be in [0, 1], got ${momentum}`);
}

/**
 * A copy of a model (same architecture, same weights), rebuilt from its JSON
 * config, for momentum / EMA targets (MoCo, BYOL). Its variables are never
 * given to the optimizer.
 */
export async function cloneModel(model: tfl.LayersModel): Promise<tfl.LayersModel> {
  const topology = model.toJSON(null, false) as unknown as tf.io.ModelJSON['modelTopology'];
  const clone = await tfl.models.modelFromJSON({ modelTopology: topology } as tf.io.ModelJSON);
  copyWeights(model, clone);
  return clone;
}

/** Sets `target`'s weights to `source`'s (all weights, same order). */
export function copyWeights(source: tfl.LayersModel, target: tfl.LayersModel): void {
  // assign shares the data (reference counted): no copy, nothing to dispose
  target.setWeights(source.weights.map((w) => w.read()));
}

/**
 * Exponential moving average, without gradients:
 * `target = momentum * target + (1 - momentum) * online` for every weight
 * (batch-norm statistics included).
 */
export function emaUpdate(
  online: tfl.LayersModel,
  target: tfl.LayersModel,
  momentum: number,
): void {
  const src = online.weights;
  const dst = target.weights;
  if (src.length !== dst.length) {
    throw new Error(`emaUpdate: models differ: ${src.length} weights vs ${dst.length}`);
  }
  tf.tidy(() => {
    dst.forEach((w, i) => {
      const t = w.read() as tf.Variable;
      t.assign(tf.add(tf.mul(t, momentum), tf.mul(src[i].read(), 1 - momentum)));
    });
  });
}

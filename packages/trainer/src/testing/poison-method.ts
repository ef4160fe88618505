// Test helper: a tiny method whose gradients (or loss) turn NaN at a chosen step.
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Method, Tensors } from '../methods/method';
import { forward, trainableVariables } from '../methods/model-state';

/** Options of {@link poisonMethod}. */
export interface PoisonOptions {
  /** Global step whose gradients are NaN (the loss itself stays finite). */
  nanGradAt?: number;
  /** Global step whose loss is NaN. */
  nanLossAt?: number;
}

/**
 * Loss `mean((encoder(x) * head)^2)` with a head vector `[D]` as method state;
 * at `nanGradAt` a zero-valued term with NaN gradient is added (finite loss,
 * NaN update), at `nanLossAt` the loss is NaN.
 */
export function poisonMethod(opts: PoisonOptions = {}): Method<Tensors, Tensors> {
  let encoder: LayersModel | null = null;
  let head: tf.Variable | null = null;
  return {
    name: 'poison',
    inputKey: 'images',
    build(enc) {
      encoder = enc;
      const d = enc.outputs[0].shape[1] as number;
      head = tf.variable(tf.fill([d], 0.5), true, `poison_head_${Math.random()}`);
    },
    trainableVariables: () => [...trainableVariables(encoder!), head!],
    prepare: (batch) => ({ images: tf.clone(batch.images) }),
    forward: (views) => ({ z: forward(encoder!, views.images) }),
    loss(outputs, ctx) {
      let loss = tf.mean(tf.square(tf.mul(outputs.z, head!))) as tf.Scalar;
      if (ctx.step === opts.nanGradAt) {
        const poison = tf.customGrad(((x: tf.Tensor) => ({
          value: tf.mul(tf.sum(x), 0),
          gradFunc: (dy: tf.Tensor) => tf.mul(dy, tf.fill(x.shape, NaN)),
        })) as never) as (x: tf.Tensor) => tf.Tensor;
        loss = tf.add(loss, poison(head!)) as tf.Scalar;
      }
      if (ctx.step === opts.nanLossAt) loss = tf.mul(loss, NaN) as tf.Scalar;
      return { loss };
    },
    getState: () => ({ tensors: { head: head! } }),
    setState(state) {
      head!.assign(state.tensors.head);
    },
    dispose() {
      head?.dispose();
    },
  };
}

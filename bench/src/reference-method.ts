/**
 * The benchmark's reference SimCLR step as a registered method, so that
 * `pretrain({ workers })` can run it: the workers import this module
 * (`workerImports`), which registers it by name in their registry too.
 */
import * as tf from '@tensorflow/tfjs-core';
import { defineMethod, registerMethod, type Method, type MethodEntry } from '@ssl/trainer';

export const REFERENCE_METHOD = 'bench-reference-simclr';

type Views = { x: tf.Tensor4D; flipped: tf.Tensor4D };
type Outputs = { z1: tf.Tensor2D; z2: tf.Tensor2D };

/** Rows of norm 1 (`z / sqrt(|z|^2 + 1e-12)`), as in simclrLoss of simclr-model.ts. */
function unit(z: tf.Tensor): tf.Tensor2D {
  return tf.div(z, tf.sqrt(tf.add(tf.sum(tf.square(z), 1, true), 1e-12))) as tf.Tensor2D;
}

/**
 * The step of `makeSimclrStep` (simclr-model.ts) in the method contract: the
 * mirrored batch and the batch (prepare), the model on each (forward: per
 * example), cosine logits / 0.1 over the whole batch (loss).
 */
export function referenceMethod(options: Record<string, unknown> = {}): Method<Views, Outputs> {
  return defineMethod<Record<string, never>, Views, Outputs>({
    name: REFERENCE_METHOD,
    options,
    build: () => ({}),
    trainableVariables: (p) => p.encoder.trainableWeights.map((w) => w.read() as tf.Variable),
    prepare: (_p, batch) =>
      tf.tidy(() => {
        const x = batch.images as tf.Tensor4D;
        return { x: tf.clone(x), flipped: tf.reverse(x, 2) };
      }),
    forward: (p, v) =>
      tf.tidy(() => ({
        z1: unit(p.encoder.apply(v.flipped, { training: true }) as tf.Tensor),
        z2: unit(p.encoder.apply(v.x, { training: true }) as tf.Tensor),
      })),
    loss: (_p, { z1, z2 }) =>
      tf.tidy(() => {
        const b = z1.shape[0];
        const logits = tf.div(tf.matMul(z1, z2, false, true), 0.1); // [B, B]
        const labels = tf.oneHot(tf.range(0, b, 1, 'int32'), b);
        return { loss: tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar };
      }),
  });
}

export const referenceEntry: MethodEntry = {
  name: REFERENCE_METHOD,
  summary: 'the reference SimCLR step of npm run bench',
  modality: 'images',
  options: [],
  create: (o) => referenceMethod(o),
};

registerMethod(referenceEntry);

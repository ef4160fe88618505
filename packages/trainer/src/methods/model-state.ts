import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';

/**
 * A model's weights (trainable and not, e.g. batch-norm statistics) as named
 * tensors `prefix/0`, `prefix/1`, ... in `model.weights` order. Positional
 * names survive a new process, where tfjs gives layers other unique names.
 * The tensors are the model's own: read them, never dispose them.
 */
export function modelState(prefix: string, model: LayersModel): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  model.weights.forEach((w, i) => {
    out[`${prefix}/${i}`] = w.read();
  });
  return out;
}

/** Writes `modelState(prefix, ...)` tensors back into `model` (copies values). */
export function setModelState(
  fn: string,
  prefix: string,
  model: LayersModel,
  tensors: Record<string, tf.Tensor>,
): void {
  const values = model.weights.map((w, i) => {
    const t = tensors[`${prefix}/${i}`];
    if (!t) throw new Error(`${fn}.setState: state has no tensor '${prefix}/${i}' (${w.name})`);
    if (!tf.util.arraysEqual(t.shape, w.shape as number[])) {
      throw new Error(
        `${fn}.setState: '${prefix}/${i}' (${w.name}) must have shape [${w.shape}], got [${t.shape}]`,
      );
    }
    return t;
  });
  model.setWeights(values);
}

/** {@link modelState} of several models, each under its key in `models` as prefix. */
export function modelsState(models: Record<string, LayersModel>): Record<string, tf.Tensor> {
  return Object.assign({}, ...Object.entries(models).map(([p, m]) => modelState(p, m)));
}

/** {@link setModelState} for each model of `models`, in order, under its key as prefix. */
export function setModelsState(
  fn: string,
  models: Record<string, LayersModel>,
  tensors: Record<string, tf.Tensor>,
): void {
  for (const [prefix, model] of Object.entries(models)) setModelState(fn, prefix, model, tensors);
}

/** The model's trainable weights as the `tf.Variable`s an optimizer updates. */
export function trainableVariables(...models: LayersModel[]): tf.Variable[] {
  return models.flatMap((m) => m.trainableWeights.map((w) => w.read() as tf.Variable));
}

/** The representation size D of an encoder `[B, ...] -> [B, D]`. */
export function representationDim(fn: string, encoder: LayersModel): number {
  const shape = encoder.outputs[0].shape;
  const d = shape[shape.length - 1];
  if (shape.length !== 2 || d == null) {
    throw new Error(
      `${fn}: encoder must output [batch, D], got [${shape.map((s) => (s == null ? 'null' : s))}]`,
    );
  }
  return d;
}

/** A forward pass in training mode (batch-norm on batch statistics). */
export function forward(model: LayersModel, x: tf.Tensor): tf.Tensor {
  return model.apply(x, { training: true }) as tf.Tensor;
}

/** A derived, positive 31-bit seed for the i-th head of a run seeded with `seed`. */
export function headSeed(seed: number, i: number): number {
  let h = Math.imul((seed | 0) ^ 0x2545f491, 0x9e3779b1) + Math.imul(i + 1, 0x85ebca77);
  h ^= h >>> 15;
  return (Math.imul(h, 0x27d4eb2f) >>> 0) % 2147483647;
}

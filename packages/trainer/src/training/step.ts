import * as tf from '@tensorflow/tfjs-core';
import type { AnyMethod, Batch, StepContext, Tensors } from '../methods/method';

/** What one optimizer step gives back. */
export interface StepOutcome {
  loss: number;
  /** Values the method recorded during the step and its `metrics()`. */
  metrics: Record<string, number>;
  /** Examples in the batch. */
  examples: number;
}

/** The step context of `ctx` fields plus a `record()` collecting into `recorded`. */
export function stepContext(
  fields: Omit<StepContext, 'record'>,
  recorded: Record<string, number | tf.Scalar>,
): StepContext {
  return {
    ...fields,
    record(name, value) {
      if (typeof value !== 'number') tf.keep(value);
      const old = recorded[name];
      if (old && typeof old !== 'number') old.dispose();
      recorded[name] = value;
    },
  };
}

/**
 * One step of the method contract (see `methods/method.ts`): `prepare`
 * outside the tape, `forward` then `loss` inside `optimizer.minimize`, the
 * update, then `afterStep(aux)`. Disposes the views and the auxiliary values;
 * leaves `batch` to the caller.
 */
export async function runStep(
  method: AnyMethod,
  optimizer: tf.Optimizer,
  vars: tf.Variable[],
  batch: Batch,
  fields: Omit<StepContext, 'record'>,
): Promise<StepOutcome> {
  const recorded: Record<string, number | tf.Scalar> = {};
  const ctx = stepContext(fields, recorded);
  const views = method.prepare(batch, ctx) as Tensors;
  let aux: Tensors | undefined;
  let lossTensor: tf.Scalar | null;
  try {
    // returnCost = true: minimize returns the loss (we read it after the update)
    lossTensor = optimizer.minimize(
      () => {
        const result = method.loss(method.forward(views, ctx), ctx);
        if (result.aux) {
          const kept: Tensors = {};
          for (const [k, t] of Object.entries(result.aux as Tensors)) kept[k] = tf.keep(t);
          aux = kept;
        }
        return result.loss;
      },
      true,
      vars,
    );
  } finally {
    tf.dispose(views);
  }
  try {
    method.afterStep?.(ctx, aux);
  } finally {
    if (aux) tf.dispose(aux);
  }
  const loss = lossTensor ? (await lossTensor.data())[0] : NaN;
  lossTensor?.dispose();
  const metrics: Record<string, number> = {};
  for (const [k, v] of Object.entries(recorded)) {
    metrics[k] = typeof v === 'number' ? v : (await v.data())[0];
    if (typeof v !== 'number') v.dispose();
  }
  Object.assign(metrics, method.metrics?.(ctx) ?? {});
  const first = Object.values(batch)[0];
  return { loss, metrics, examples: first ? first.shape[0] : 0 };
}

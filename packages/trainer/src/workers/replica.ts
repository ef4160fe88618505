import type * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { AnyMethod } from '../methods/method';
import { layoutOf, type Layout } from './layout';

/**
 * Everything a worker's copy of the run must hold to compute the same
 * `forward` as the main thread: the encoder's weights (batch-norm statistics
 * included) and the method's state (heads, momentum copies, queues), in a
 * fixed order that the main thread and every worker derive alike.
 */
export interface Replica {
  /** Encoder weights in `model.weights` order, then the method's state sorted by name. */
  variables: tf.Variable[];
  names: string[];
  layout: Layout;
  /** Indices (into `variables`) of the optimizer's variables, in `trainableVariables()` order. */
  trainable: number[];
  /** Layout of the gradients: one slot per trainable variable. */
  gradLayout: Layout;
  /**
   * Indices of the variables `forward` may change that the optimizer does not
   * own (batch-norm moving statistics, queues, centers): worker 0 sends them
   * back after each step, as PyTorch DDP broadcasts rank 0's buffers.
   */
  returned: number[];
  returnedLayout: Layout;
}

function isVariable(t: tf.Tensor): t is tf.Variable {
  return typeof (t as tf.Variable).assign === 'function';
}

/** The replica of `encoder` + `method` (built). Throws naming what a worker could not copy. */
export function replicaOf(fn: string, encoder: LayersModel, method: AnyMethod): Replica {
  const variables: tf.Variable[] = [];
  const names: string[] = [];
  const seen = new Set<number>();
  const add = (name: string, t: tf.Tensor) => {
    if (!isVariable(t)) {
      throw new Error(
        `${fn}: method state '${name}' must be a tf.Variable for workers, got a tensor`,
      );
    }
    if (seen.has(t.id)) return;
    seen.add(t.id);
    variables.push(t);
    names.push(name);
  };
  encoder.weights.forEach((w, i) => add(`encoder/${i}`, w.read()));
  const state = method.getState().tensors;
  for (const key of Object.keys(state).sort()) add(`method/${key}`, state[key]);
  const index = new Map(variables.map((v, i) => [v.id, i]));
  const trainable = method.trainableVariables().map((v) => {
    const i = index.get(v.id);
    if (i === undefined) {
      throw new Error(
        `${fn}: trainable variable '${v.name}' is neither an encoder weight nor in the method's getState()`,
      );
    }
    return i;
  });
  const optimized = new Set(trainable);
  const returned = variables.flatMap((v, i) => (!optimized.has(i) && !v.trainable ? [i] : []));
  const pick = (ix: number[]) => ix.map((i) => variables[i]);
  return {
    variables,
    names,
    layout: layoutOf(variables, fn),
    trainable,
    gradLayout: layoutOf(pick(trainable), fn),
    returned,
    returnedLayout: layoutOf(pick(returned), fn),
  };
}

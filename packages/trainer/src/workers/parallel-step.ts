import * as tf from '@tensorflow/tfjs-core';
import type { AnyMethod, Batch, StepContext, Tensors } from '../methods/method';
import { stepContext, type StepOutcome } from '../training/step';
import type { RankOutputs, Upstream, WorkerPool } from './pool';
import type { WireTensor } from './protocol';

/** `[start, end)` of each of `world` contiguous shards of `n` examples (sizes differ by at most one). */
export function shardBounds(n: number, world: number): [number, number][] {
  const base = Math.floor(n / world);
  const extra = n % world;
  const out: [number, number][] = [];
  let start = 0;
  for (let r = 0; r < world; r++) {
    const end = start + base + (r < extra ? 1 : 0);
    out.push([start, end]);
    start = end;
  }
  return out;
}

function checkDtype(k: string, t: tf.Tensor): 'float32' | 'int32' {
  if (t.dtype !== 'float32' && t.dtype !== 'int32') {
    throw new Error(`pretrain: workers take float32 and int32 views, got ${t.dtype} for '${k}'`);
  }
  return t.dtype;
}

/** Each rank's views: `method.shard` when the method has one, else every view cut along axis 0. */
export function shardViews(
  method: AnyMethod,
  views: Tensors,
  world: number,
): Record<string, WireTensor>[] {
  const first = Object.values(views)[0];
  const n = first ? first.shape[0] : 0;
  if (n < world) {
    throw new Error(`pretrain: a batch of ${n} examples cannot be split over ${world} workers`);
  }
  const bounds = shardBounds(n, world);
  if (method.shard) {
    return bounds.map(([s, e]) => {
      const part = method.shard!(views, s, e) as Tensors;
      try {
        return Object.fromEntries(
          Object.entries(part).map(([k, v]) => {
            const dtype = checkDtype(k, v);
            return [k, { shape: [...v.shape], dtype, data: v.dataSync().slice() as Float32Array }];
          }),
        );
      } finally {
        tf.dispose(part);
      }
    });
  }
  // rows are contiguous: one read per view, one copy per shard (each copy is transferred)
  const out: Record<string, WireTensor>[] = bounds.map(() => ({}));
  for (const [k, v] of Object.entries(views)) {
    if (v.shape[0] !== n) {
      throw new Error(
        `pretrain: view '${k}' has ${v.shape[0]} rows, not the batch's ${n}; give the method a shard()`,
      );
    }
    const dtype = checkDtype(k, v);
    const all = v.dataSync() as Float32Array | Int32Array;
    const row = all.length / n;
    bounds.forEach(([s, e], r) => {
      out[r][k] = { shape: [e - s, ...v.shape.slice(1)], dtype, data: all.slice(s * row, e * row) };
    });
  }
  return out;
}

/** The ranks' outputs concatenated per key (rank order = example order), as tensors. */
function gather(outs: RankOutputs[]): Tensors {
  const keys = outs[0].keys;
  const result: Tensors = {};
  keys.forEach((k, i) => {
    const parts = outs.map((o) => {
      if (o.keys[i] !== k)
        throw new Error(`pretrain: workers returned different outputs (${o.keys} vs ${keys})`);
      return o;
    });
    const slot0 = parts[0].slots[i];
    const rows = parts.reduce((a, o) => a + (o.slots[i].shape[0] ?? 1), 0);
    const shape = [rows, ...slot0.shape.slice(1)];
    const total = parts.reduce((a, o) => a + o.slots[i].size, 0);
    const data = slot0.dtype === 'int32' ? new Int32Array(total) : new Float32Array(total);
    let off = 0;
    for (const o of parts) {
      data.set(o.data[i] as Float32Array, off);
      off += o.slots[i].size;
    }
    result[k] = tf.tensor(data, shape, slot0.dtype);
  });
  return result;
}

/** What {@link parallelGradients} gives: the global loss, the summed gradient per trainable variable, the loss's aux. */
export interface ParallelGradients {
  loss: number;
  /** In `pool.replica.trainable` order; `undefined` where no worker's shard reached the variable. */
  grads: (Float32Array | undefined)[];
  aux?: Tensors;
}

/** A step whose views are made and cut into shards, ready for the workers. */
export interface PreparedStep {
  ctx: StepContext;
  recorded: Record<string, number | tf.Scalar>;
  shards: Record<string, WireTensor>[];
  examples: number;
}

/**
 * `prepare` (all of the step's randomness, from `fields.rng`) and the shards
 * of its views. Leaves `batch` to the caller; the views are disposed.
 */
export function prepareParallelStep(
  pool: WorkerPool,
  method: AnyMethod,
  batch: Batch,
  fields: Omit<StepContext, 'record'>,
): PreparedStep {
  const recorded: Record<string, number | tf.Scalar> = {};
  const ctx = stepContext(fields, recorded);
  const views = method.prepare(batch, ctx) as Tensors;
  try {
    const first = Object.values(batch)[0];
    return {
      ctx,
      recorded,
      shards: shardViews(method, views, pool.size),
      examples: first ? first.shape[0] : 0,
    };
  } finally {
    tf.dispose(views);
  }
}

/**
 * The loss of the whole batch and its gradients, computed by the pool:
 * `forward` on each worker's shard, the loss and its gradient with respect to
 * the outputs here, each worker's backward pass with that upstream gradient,
 * the gradients summed in rank order. `whileWaiting` runs on this thread
 * while the workers run `forward`.
 */
export async function parallelGradients(
  pool: WorkerPool,
  method: AnyMethod,
  prepared: Pick<PreparedStep, 'ctx' | 'shards'>,
  whileWaiting?: () => Promise<void> | void,
): Promise<ParallelGradients> {
  const { ctx, shards } = prepared;
  const { step, epoch, totalSteps, stepsPerEpoch, lr } = ctx;
  const outs = await pool.forward(
    shards,
    { step, epoch, totalSteps, stepsPerEpoch, lr },
    whileWaiting,
  );
  const tLoss = performance.now();

  // the global loss and its gradient with respect to every output
  const outputs = gather(outs);
  const keys = Object.keys(outputs);
  let aux: Tensors | undefined;
  let loss = NaN;
  const upstream: Upstream[] = outs.map(() => []);
  try {
    const { value, grads } = tf.valueAndGrads((...xs: tf.Tensor[]) => {
      const named: Tensors = Object.fromEntries(keys.map((k, i) => [k, xs[i]]));
      const result = method.loss(named, ctx);
      if (result.aux) {
        const kept: Tensors = {};
        for (const [k, t] of Object.entries(result.aux as Tensors)) kept[k] = tf.keep(t);
        aux = kept;
      }
      // + 0 · Σx: every output takes part, so each gets a gradient (zeros where the loss ignores it)
      const zero = tf.addN(xs.map((x) => tf.mul(tf.sum(x), 0)));
      return tf.add(result.loss, zero) as tf.Scalar;
    })(keys.map((k) => outputs[k]));
    loss = (await value.data())[0];
    value.dispose();
    // rank r's rows of each output's gradient (outputs concatenate along their first axis)
    keys.forEach((_k, i) => {
      const g = grads[i].dataSync() as Float32Array;
      let off = 0;
      outs.forEach((o, r) => {
        const size = o.slots[i].size;
        upstream[r].push(g.subarray(off, off + size));
        off += size;
      });
    });
    tf.dispose(grads);
  } catch (e) {
    if (aux) tf.dispose(aux);
    throw e;
  } finally {
    tf.dispose(outputs);
  }
  pool.stats.lossMs = performance.now() - tLoss;
  const grads = await pool.backward(upstream);
  return { loss, grads, aux };
}

/**
 * One data-parallel step with the same result as `runStep` on one thread
 * (up to the order of float32 sums): {@link parallelGradients} of a prepared
 * step, one update here, `afterStep`. `whileWaiting` (e.g. preparing the next
 * step) runs while the workers compute.
 */
export async function runParallelStep(
  pool: WorkerPool,
  method: AnyMethod,
  optimizer: tf.Optimizer,
  prepared: PreparedStep,
  whileWaiting?: () => Promise<void> | void,
): Promise<StepOutcome> {
  const { ctx, recorded } = prepared;
  const { loss, grads, aux } = await parallelGradients(pool, method, prepared, whileWaiting);
  const { variables, trainable, gradLayout } = pool.replica;
  const named: tf.NamedTensorMap = {};
  grads.forEach((g, i) => {
    if (g) named[variables[trainable[i]].name] = tf.tensor(g, gradLayout.slots[i].shape);
  });
  try {
    optimizer.applyGradients(named);
  } finally {
    tf.dispose(named);
  }
  try {
    method.afterStep?.(ctx, aux);
  } finally {
    if (aux) tf.dispose(aux);
  }
  const metrics: Record<string, number> = {};
  for (const [k, v] of Object.entries(recorded)) {
    metrics[k] = typeof v === 'number' ? v : (await v.data())[0];
    if (typeof v !== 'number') v.dispose();
  }
  Object.assign(metrics, method.metrics?.(ctx) ?? {});
  return { loss, metrics, examples: prepared.examples };
}

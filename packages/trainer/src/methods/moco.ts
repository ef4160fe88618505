import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { infoNCELoss } from '@ssl/losses';
import { defineMethod } from './define-method';
import { projectorOf } from './heads';
import type { Method } from './method';
import type { ProjectorOptions } from './options';
import { forward, headSeed, trainableVariables } from './model-state';
import { checkMomentum, cloneModel, emaUpdate } from './momentum-model';
import type { TwoViews } from './projector-method';
import { twoViews, type ViewMaker, twoViewsOf } from './views';
import { PROJECTOR_OPTIONS, type MethodEntry } from './method-entry';

/** Options of {@link moco}. */
export interface MocoOptions extends ProjectorOptions {
  /** Number of past keys kept as negatives (must be >= batchSize). Default `max(4096, batchSize)` (MoCo: 65536). */
  queueSize?: number;
  /** Momentum of the key encoder. Default 0.99 (MoCo: 0.999 for long ImageNet runs). */
  momentum?: number;
  /** InfoNCE temperature. Default 0.2 (MoCo v2). */
  temperature?: number;
}

/** Writes `keys` [B, D] into rows ptr, ptr+1, ... (mod K) of `queue` [K, D]. */
export function enqueue(queue: tf.Variable, keys: tf.Tensor, ptr: number): void {
  const k = queue.shape[0];
  const b = keys.shape[0];
  // row j of the new queue: keys[(j - ptr) mod K] when that offset is < B, else queue[j]
  const src = new Int32Array(k);
  for (let j = 0; j < k; j++) {
    const offset = (j - ptr + k) % k;
    src[j] = offset < b ? k + offset : j;
  }
  tf.tidy(() => queue.assign(tf.gather(tf.concat([queue, keys], 0), tf.tensor1d(src, 'int32'))));
}

/**
 * Unit rows of `x` `[N, D]`: `x / max(|x|, 1e-12)` (PyTorch's F.normalize), so
 * that a zero row (an all-black crop through ReLUs and batch norm) stays zero
 * instead of becoming NaN.
 */
export function l2Rows(x: tf.Tensor2D): tf.Tensor2D {
  // sqrt(max(|x|², 1e-24)): the same value, and a zero (not NaN) gradient at a zero row
  return tf.tidy(
    () => tf.div(x, tf.sqrt(tf.maximum(tf.sum(tf.square(x), 1, true), 1e-24))) as tf.Tensor2D,
  );
}

/** MoCo's outputs: queries `q` (first view) and unit keys `k` (second view, key network, no gradient path), `[B, P]`. */
export type MocoOutputs = { q: tf.Tensor2D; k: tf.Tensor2D };
/** What MoCo's loss hands to `afterStep`: the unit keys to enqueue. */
export type MocoAux = { keys: tf.Tensor2D };

type MocoParts = {
  models: { projector: LayersModel; key_encoder: LayersModel; key_projector: LayersModel };
  variables: { queue: tf.Variable };
  counters: { queuePtr: number };
  views: ViewMaker;
};

/**
 * MoCo v2 (He et al. 2020, "Momentum Contrast for Unsupervised Visual
 * Representation Learning"; Chen et al. 2020, "Improved Baselines with
 * Momentum Contrastive Learning"): a query network (encoder + 2-layer
 * projection head) and a key network (their momentum copy, no gradients).
 * InfoNCE of each query against its key (the other view) and a queue of
 * `queueSize` past keys (a `tf.Variable` ring buffer, filled with random unit
 * vectors at the start). After each step the key network moves
 * (`key = m * key + (1 - m) * query`) and the batch's keys (the loss's `aux`)
 * enter the queue.
 *
 * Defaults: queueSize max(4096, batchSize), momentum 0.99, temperature 0.2, projectionDim 128, hiddenDim 512, augment by image size.
 *
 * @example
 * ```ts
 * await pretrain({ method: moco({ queueSize: 1024 }), encoder, data: images, epochs: 5, batchSize: 128 });
 * ```
 */
export function moco(opts: MocoOptions = {}): Method<TwoViews, MocoOutputs, MocoAux> {
  const fn = 'moco';
  const {
    queueSize: askedQueue,
    momentum = 0.99,
    temperature = 0.2,
    projectionDim = 128,
    augment,
  } = opts;
  if (askedQueue !== undefined && (!Number.isInteger(askedQueue) || askedQueue < 1)) {
    throw new Error(`moco: queueSize must be an integer >= 1, got ${askedQueue}`);
  }
  let queueSize = askedQueue ?? 4096;
  checkMomentum(fn, momentum);
  if (!(Number.isFinite(temperature) && temperature > 0)) {
    throw new Error(`moco: temperature must be a finite number > 0, got ${temperature}`);
  }
  return defineMethod<MocoParts, TwoViews, MocoOutputs, MocoAux>({
    name: 'moco',
    options: opts,
    async build(enc, ctx) {
      queueSize = askedQueue ?? Math.max(4096, ctx.batchSize);
      if (ctx.batchSize > queueSize) {
        throw new Error(`moco: queueSize (${queueSize}) must be >= batchSize (${ctx.batchSize})`);
      }
      const views = twoViews(fn, augment, ctx.inputShape);
      const projector = projectorOf(fn, enc, opts, ctx.seed);
      const models = {
        projector,
        key_encoder: await cloneModel(enc),
        key_projector: await cloneModel(projector),
      };
      const queue = tf.tidy(() => {
        const r = tf.randomNormal(
          [queueSize, projectionDim],
          0,
          1,
          'float32',
          headSeed(ctx.seed, 2),
        );
        return tf.variable(l2Rows(r as tf.Tensor2D), false); // [K, P] unit rows
      });
      return { models, variables: { queue }, counters: { queuePtr: 0 }, views };
    },
    trainableVariables: (p) => trainableVariables(p.encoder, p.models.projector),
    prepare: (p, batch, ctx) => twoViewsOf(fn, p.views, batch, ctx.rng),
    forward({ encoder, models: m }, { view0, view1 }) {
      return tf.tidy(() => {
        const q = forward(m.projector, forward(encoder, view0)) as tf.Tensor2D; // [B, P]
        const k = forward(m.key_projector, forward(m.key_encoder, view1)) as tf.Tensor2D; // [B, P], no gradient path
        return { q, k: l2Rows(k) };
      });
    },
    loss(p, { q, k }) {
      const queue = p.variables.queue as tf.Tensor2D;
      return {
        loss: infoNCELoss(q, k, { negatives: queue, temperature }),
        aux: { keys: tf.clone(k) },
      };
    },
    afterStep({ encoder, models: m, variables, counters }, _ctx, aux) {
      emaUpdate(encoder, m.key_encoder, momentum);
      emaUpdate(m.projector, m.key_projector, momentum);
      if (aux) {
        enqueue(variables.queue, aux.keys, counters.queuePtr);
        counters.queuePtr = (counters.queuePtr + aux.keys.shape[0]) % queueSize;
      }
    },
    checkCounters(_p, { queuePtr }) {
      if (queuePtr < 0 || queuePtr >= queueSize) {
        throw new Error(
          `moco.setState: json.queuePtr must be an integer in [0, ${queueSize}), got ${queuePtr}`,
        );
      }
    },
  });
}

/** MoCo v2 in the method registry. */
export const mocoEntry: MethodEntry = {
  name: 'moco',
  summary: 'MoCo v2 (He et al. 2020): InfoNCE against a momentum key encoder and a queue of keys',
  modality: 'images',
  options: [
    {
      name: 'queueSize',
      type: 'integer',
      default: 'max(4096, batchSize)',
      doc: 'past keys kept as negatives',
    },
    { name: 'momentum', type: 'number', default: 0.99, doc: 'momentum of the key encoder' },
    { name: 'temperature', type: 'number', default: 0.2, doc: 'InfoNCE temperature' },
    ...PROJECTOR_OPTIONS,
  ],
  create: (o) => moco(o as MocoOptions),
};

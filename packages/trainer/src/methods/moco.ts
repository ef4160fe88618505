import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { infoNCELoss } from '@ssl/losses';
import { methodProjector } from './heads';
import type { Method } from './method';
import type { ProjectorOptions } from './options';
import {
  forward,
  headSeed,
  modelsState,
  representationDim,
  setModelsState,
  trainableVariables,
} from './model-state';
import { checkMomentum, cloneModel, emaUpdate } from './momentum-model';
import { twoViews } from './views';

/** Options of {@link moco}. */
export interface MocoOptions extends ProjectorOptions {
  /** Number of past keys kept as negatives (must be >= batchSize). Default 4096 (MoCo: 65536). */
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
 * MoCo v2 (He et al. 2020, "Momentum Contrast for Unsupervised Visual
 * Representation Learning"; Chen et al. 2020, "Improved Baselines with
 * Momentum Contrastive Learning"): a query network (encoder + 2-layer
 * projection head) and a key network (their momentum copy, no gradients).
 * InfoNCE of each query against its key (the other view) and a queue of
 * `queueSize` past keys (a `tf.Variable` ring buffer, filled with random unit
 * vectors at the start). After each step the key network moves
 * (`key = m * key + (1 - m) * query`) and the batch's keys enter the queue.
 *
 * Defaults: queueSize 4096, momentum 0.99, temperature 0.2, projectionDim 128, hiddenDim 512, augment by image size.
 *
 * @example
 * ```ts
 * await pretrain({ method: moco({ queueSize: 1024 }), encoder, data: images, epochs: 5, batchSize: 128 });
 * ```
 */
export function moco(opts: MocoOptions = {}): Method<tf.Tensor4D> {
  const fn = 'moco';
  const {
    queueSize = 4096,
    momentum = 0.99,
    temperature = 0.2,
    projectionDim = 128,
    hiddenDim = 512,
    augment,
  } = opts;
  if (!Number.isInteger(queueSize) || queueSize < 1) {
    throw new Error(`moco: queueSize must be an integer >= 1, got ${queueSize}`);
  }
  checkMomentum(fn, momentum);
  if (!(Number.isFinite(temperature) && temperature > 0)) {
    throw new Error(`moco: temperature must be a finite number > 0, got ${temperature}`);
  }
  let encoder: LayersModel | undefined;
  let m: { projector: LayersModel; keyEncoder: LayersModel; keyProjector: LayersModel } | undefined;
  let queue: tf.Variable | undefined;
  let ptr = 0;
  let pendingKeys: tf.Tensor | undefined;
  let views: ReturnType<typeof twoViews> | undefined;
  const built = () => {
    if (!encoder || !m || !queue || !views)
      throw new Error(`${fn}: call build() first (pretrain does)`);
    return { encoder, queue, views, ...m };
  };
  const dispose = () => {
    if (m) Object.values(m).forEach((model) => model.dispose());
    m = undefined;
    queue?.dispose();
    pendingKeys?.dispose();
    queue = pendingKeys = undefined;
  };
  /** The models saved in a checkpoint, under their state prefixes. */
  const stateModels = () => {
    const s = built();
    return { projector: s.projector, key_encoder: s.keyEncoder, key_projector: s.keyProjector };
  };
  return {
    name: 'moco',
    async build(enc, ctx) {
      if (ctx.batchSize > queueSize) {
        throw new Error(`moco: queueSize (${queueSize}) must be >= batchSize (${ctx.batchSize})`);
      }
      const inputDim = representationDim(fn, enc);
      views = twoViews(fn, augment, ctx.inputShape);
      dispose();
      encoder = enc;
      const projector = methodProjector(fn, inputDim, projectionDim, hiddenDim, ctx.seed);
      m = {
        projector,
        keyEncoder: await cloneModel(enc),
        keyProjector: await cloneModel(projector),
      };
      queue = tf.tidy(() => {
        const r = tf.randomNormal(
          [queueSize, projectionDim],
          0,
          1,
          'float32',
          headSeed(ctx.seed, 2),
        );
        return tf.variable(tf.div(r, tf.norm(r, 'euclidean', 1, true)), false); // [K, P] unit rows
      });
      ptr = 0;
    },
    trainableVariables() {
      const s = built();
      return trainableVariables(s.encoder, s.projector);
    },
    loss(batch, ctx) {
      const s = built();
      return tf.tidy(() => {
        const [v1, v2] = s.views(batch, ctx.rng);
        const q = forward(s.projector, forward(s.encoder, v1)) as tf.Tensor2D; // [B, P]
        const k = forward(s.keyProjector, forward(s.keyEncoder, v2)) as tf.Tensor2D; // [B, P], no gradient path
        const kUnit = tf.div(k, tf.norm(k, 'euclidean', 1, true)) as tf.Tensor2D;
        pendingKeys?.dispose();
        pendingKeys = tf.keep(kUnit);
        return infoNCELoss(q, kUnit, { negatives: s.queue as tf.Tensor2D, temperature });
      });
    },
    afterStep() {
      const s = built();
      emaUpdate(s.encoder, s.keyEncoder, momentum);
      emaUpdate(s.projector, s.keyProjector, momentum);
      if (pendingKeys) {
        enqueue(s.queue, pendingKeys, ptr);
        ptr = (ptr + pendingKeys.shape[0]) % queueSize;
        pendingKeys.dispose();
        pendingKeys = undefined;
      }
    },
    getState() {
      const s = built();
      return {
        tensors: { ...modelsState(stateModels()), queue: s.queue },
        json: { queuePtr: ptr },
      };
    },
    setState(state) {
      const s = built();
      setModelsState(fn, stateModels(), state.tensors);
      const q = state.tensors.queue;
      if (!q || !tf.util.arraysEqual(q.shape, s.queue.shape)) {
        throw new Error(
          `moco.setState: queue must have shape [${s.queue.shape}], got ${q ? `[${q.shape}]` : 'none'}`,
        );
      }
      s.queue.assign(q);
      const p = state.json?.queuePtr;
      if (!Number.isInteger(p) || (p as number) < 0 || (p as number) >= queueSize) {
        throw new Error(
          `moco.setState: json.queuePtr must be an integer in [0, ${queueSize}), got ${p}`,
        );
      }
      ptr = p as number;
    },
    dispose,
  };
}

import type * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Rng } from '@ssl/augment';

/**
 * What a method learns about the run when `pretrain()` builds it (once, before
 * the first step).
 */
export interface BuildContext {
  /** Shape of one example, without the batch axis: `[H, W, C]` for images, `[L]` for token ids. */
  inputShape: number[];
  /** The run's seed (`pretrain({ seed })`); derive head initialisers from it. */
  seed: number;
  /** The run's seeded generator; `fork()` it for anything drawn at build time. */
  rng: Rng;
  /** Examples per step. */
  batchSize: number;
  /** Steps per epoch and in the whole run (momentum schedules read `totalSteps`). */
  stepsPerEpoch: number;
  totalSteps: number;
  epochs: number;
}

/** What a method sees at each optimizer step. */
export interface StepContext {
  /** 0-based global step (counts across epochs; continues after `resume`). */
  step: number;
  /** 0-based epoch. */
  epoch: number;
  /** Steps in the whole run, for schedules (e.g. BYOL's cosine momentum). */
  totalSteps: number;
  /** Learning rate set on the optimizer for this step. */
  lr: number;
  /**
   * The run's seeded generator. Draw this step's randomness (augmentations,
   * token masking) from it, in a fixed order, so that a run with the same
   * seed (and a resumed run) sees the same numbers.
   */
  rng: Rng;
  /**
   * Logs an extra value for this step (written to `metrics.jsonl` and passed
   * to callbacks as `metrics[name]`). Safe to call inside `loss()`: a tensor
   * value is kept past the optimizer's tidy, read after the step and disposed
   * by the loop.
   */
  record(name: string, value: number | tf.Scalar): void;
}

/**
 * State a method saves in a checkpoint, besides the encoder: head weights,
 * momentum/EMA encoder weights, queues, counters.
 *
 * - `tensors`: named tensors (names are unique, `/`-separated paths such as
 *   `projector/dense_1/kernel`). `getState()` may return the method's own
 *   variables: the caller only reads them and never disposes them.
 * - `json`: anything JSON-serialisable (e.g. `{ queuePtr: 17 }`).
 */
export interface MethodState {
  tensors: Record<string, tf.Tensor>;
  json?: Record<string, unknown>;
}

/**
 * A pretraining method (SimCLR, MoCo, BYOL, ..., MLM) as one small stateful
 * object driven by `pretrain()`. The loop calls, in order:
 *
 * 1. `build(encoder, ctx)` once: create heads, momentum encoders, queues
 *    (all as `tf.Variable`s the method owns);
 * 2. per step: `optimizer.minimize(() => method.loss(batch, stepCtx), false,
 *    method.trainableVariables())`, then `afterStep?(stepCtx)` (EMA updates,
 *    queue pushes: no gradients), then `metrics?(stepCtx)`;
 * 3. `getState()` / `setState()` when a checkpoint is written / resumed;
 * 4. `dispose()` when the caller is done with the method (not by `pretrain()`,
 *    so heads stay usable after training).
 *
 * @typeParam B the batch the loop hands to `loss()`: a `Tensor4D` of images in
 *   [0,1] (`[B, H, W, C]`) for the image methods, a `Tensor2D` of token ids for
 *   MLM. The loop gathers it from `pretrain({ data })`: rows of a tensor, or
 *   the `dataKey` field (default `'image'`) of dataset elements.
 *
 * @example
 * ```ts
 * const method = simclr({ temperature: 0.5 });
 * await pretrain({ method, encoder, data: images, epochs: 1, batchSize: 64 });
 * method.dispose();
 * ```
 */
export interface Method<B extends tf.Tensor = tf.Tensor> {
  /** Short identifier written to metrics and checkpoints: `'simclr'`, `'moco'`, `'mlm'`, ... */
  readonly name: string;
  /**
   * Field of a dataset element that holds this method's input (for datasets of
   * objects). Default `'image'`. MLM uses e.g. `'ids'`.
   */
  readonly dataKey?: string;
  /**
   * Creates heads, momentum encoders and queues for `encoder`. Called once,
   * before the first step (and before `setState` on resume). May be async
   * (cloning a model through its JSON config is).
   */
  build(encoder: LayersModel, ctx: BuildContext): void | Promise<void>;
  /** Variables the optimizer updates: the encoder's trainable weights plus the heads'. */
  trainableVariables(): tf.Variable[];
  /**
   * The scalar loss for `batch`. Called inside `optimizer.minimize` (so inside
   * a tidy with the gradient tape on): use the functional tfjs API, apply this
   * method's augmentations with `ctx.rng`, stop gradients where the method says
   * so (`tf.stopGradient`-like: compute targets from non-trainable copies).
   * Must not dispose `batch`.
   */
  loss(batch: B, ctx: StepContext): tf.Scalar;
  /** After the optimizer step, without gradients: EMA/momentum updates, queue pushes. */
  afterStep?(ctx: StepContext): void;
  /** Plain numbers to log for this step (e.g. `{ momentum: 0.9961 }`). */
  metrics?(ctx: StepContext): Record<string, number>;
  /** Everything but the encoder that a checkpoint needs to continue exactly. */
  getState(): MethodState;
  /**
   * Restores `getState()`'s output (after `build`). Copies values into the
   * method's own variables; the caller keeps ownership of `state.tensors`.
   */
  setState(state: MethodState): void;
  /** Frees the heads, momentum encoders and queues. */
  dispose(): void;
}

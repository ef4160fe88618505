import type * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Rng } from '@ssl/augment';

/**
 * A batch: named tensors whose first axis indexes the same examples, e.g.
 * `{ images }` (`[B, H, W, C]` in [0,1]) or `{ inputIds, attentionMask }`
 * (`[B, T]`). `pretrain()` gathers it from `pretrain({ data })` and owns it.
 */
export type Batch = Record<string, tf.Tensor>;

/** Named tensors passed between the stages of a step (views, outputs, auxiliary values). */
export type Tensors = Record<string, tf.Tensor>;

/**
 * What a method learns about the run when `pretrain()` builds it (once, before
 * the first step).
 */
export interface BuildContext {
  /** Shape of one example of the method's `inputKey` field, without the batch axis: `[H, W, C]`, `[T]`. */
  inputShape: number[];
  /** The run's seed (`pretrain({ seed })`); derive head initialisers from it. */
  seed: number;
  /** The run's seeded generator; `fork()` it for anything drawn at build time. */
  rng: Rng;
  /** Examples per step. */
  batchSize: number;
  /** Steps per epoch and in the whole run (momentum and temperature schedules read `totalSteps`). */
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
  /** Steps per epoch (DINO's teacher-temperature warm-up counts epochs). */
  stepsPerEpoch: number;
  /** Learning rate set on the optimizer for this step. */
  lr: number;
  /**
   * The run's seeded generator. Draw this step's randomness (augmentations,
   * token masking) from it in `prepare()`, in a fixed order, so that a run
   * with the same seed (and a resumed run) sees the same numbers.
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
 *   `projector/0`). `getState()` may return the method's own variables: the
 *   caller only reads them and never disposes them.
 * - `json`: anything JSON-serialisable (e.g. `{ queuePtr: 17 }`).
 */
export interface MethodState {
  tensors: Record<string, tf.Tensor>;
  json?: Record<string, unknown>;
}

/** What `loss()` returns: the scalar, and optional values for `afterStep()` (no gradient flows through them). */
export interface LossResult<A extends Tensors = Tensors> {
  loss: tf.Scalar;
  /** E.g. MoCo's normalised keys for its queue, DINO's teacher logits for its center. Disposed by the loop. */
  aux?: A;
}

/**
 * A pretraining method (SimCLR, MoCo, BYOL, ..., DINO, NNCLR, MLM) as one small
 * stateful object driven by `pretrain()`. Write one with `defineMethod()`
 * (which owns the build guard, state naming, get/set state and dispose) and
 * list it in `methods/registry.ts`.
 *
 * ## The step contract (shaped for data parallelism)
 *
 * The loop calls, per step:
 *
 * 1. `views = prepare(batch, ctx)` — **outside** the gradient tape: every
 *    random draw of the step (augmented views, multi-crop, token masks) comes
 *    from `ctx.rng` here, and reading tensor values (`dataSync`) is allowed
 *    here only. The result is a set of named tensors whose first axis is the
 *    example axis (or an axis a worker can split consistently, like MLM's
 *    masked positions), disposed by the loop after the step.
 * 2. `outputs = forward(views, ctx)` — inside `optimizer.minimize(f, true,
 *    trainableVariables())`: the networks, **per example** (no reduction over
 *    the batch except batch-norm statistics), producing named outputs
 *    (projections, predictions, logits). Nothing random, no `dataSync()`.
 * 3. `{ loss, aux } = loss(outputs, ctx)` — also inside the tape, a separate
 *    function of the outputs of the **whole global batch** (NT-Xent's
 *    negatives, Barlow Twins' cross-correlation, MoCo's queue, DINO's center,
 *    MLM's mean over masked tokens). A worker pool can therefore run
 *    `forward` on each shard, gather the shard outputs, take the gradient of
 *    the global `loss` with respect to them once, and back-propagate each
 *    shard through `forward` with that upstream gradient, giving the same
 *    gradients as one worker on the whole batch (batch norm aside: statistics
 *    are per shard, as PyTorch DDP without SyncBatchNorm).
 * 4. `afterStep(ctx, aux)` — after the optimizer step, without gradients: EMA
 *    updates, queue pushes, center updates from `aux`. Then `metrics(ctx)`.
 *
 * Around the steps: `build(encoder, ctx)` once before the first step (and
 * before `setState` on resume); `getState()` / `setState()` when a checkpoint
 * is written / restored; `dispose()` when the caller is done (not by
 * `pretrain()`, so heads stay usable after training).
 *
 * @example
 * ```ts
 * const method = simclr({ temperature: 0.5 });
 * await pretrain({ method, encoder, data: images, epochs: 1, batchSize: 64 });
 * method.dispose();
 * ```
 */
export interface Method<
  V extends Tensors = Tensors,
  O extends Tensors = Tensors,
  A extends Tensors = Tensors,
> {
  /** Short identifier written to metrics and checkpoints: `'simclr'`, `'moco'`, `'mlm'`, ... */
  readonly name: string;
  /**
   * The batch field this method reads (and whose example shape `build` sees):
   * `'images'` for the image methods, `'inputIds'` for MLM. A tensor given as
   * `pretrain({ data })` becomes the batch `{ [inputKey]: rows }`.
   */
  readonly inputKey: string;
  /**
   * Creates heads, momentum encoders and queues for `encoder`. May be async
   * (cloning a model through its JSON config is).
   */
  build(encoder: LayersModel, ctx: BuildContext): void | Promise<void>;
  /** Variables the optimizer updates: the encoder's trainable weights plus the heads'. */
  trainableVariables(): tf.Variable[];
  /** Step 1: views / masks from the batch, outside the tape (see the contract above). Must not dispose `batch`. */
  prepare(batch: Batch, ctx: StepContext): V;
  /** Step 2: per-example forward pass to named outputs, inside the tape. Must not dispose `views`. */
  forward(views: V, ctx: StepContext): O;
  /** Step 3: the loss of the whole batch's outputs, inside the tape. */
  loss(outputs: O, ctx: StepContext): LossResult<A>;
  /** Step 4: after the optimizer step, without gradients: EMA/momentum updates, queue pushes. */
  afterStep?(ctx: StepContext, aux: A | undefined): void;
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
  /** Set by the registered factories: what a worker needs to rebuild this method (see {@link MethodRecipe}). */
  readonly recipe?: MethodRecipe;
  /**
   * The views of examples `[start, end)` of the batch, for one worker of a
   * data-parallel step. Default: every view sliced along its first axis. A
   * method whose views index the batch otherwise (MLM's flat masked positions)
   * gives its own. The result is disposed by the caller.
   */
  shard?(views: V, start: number, end: number): V;
}

/**
 * How to make the same method again in another thread: its registry name
 * and the options its factory was called with. `pretrain({ workers })`
 * rebuilds the method from it in every worker (`createMethod(name, options)`);
 * options that are functions (augmentations) are left out there, since views
 * are made by the main thread.
 */
export interface MethodRecipe {
  name: string;
  options: Record<string, unknown>;
}

/** A method of any views, outputs and auxiliary values (what `pretrain()` accepts). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyMethod = Method<any, any, any>;

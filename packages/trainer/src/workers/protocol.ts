import type { BuildContext, MethodRecipe } from '../methods/method';
import type { Slot } from './layout';

/**
 * The messages between the main thread and its workers (see `pool.ts` for the
 * sequence). Weights, gradients, the outputs of `forward` and their upstream
 * gradients go through `SharedArrayBuffer`s; messages carry only control
 * data and each step's input views (transferred, not cloned).
 */

/** One side of a message channel: a worker as the main thread sees it, or the main thread as a worker sees it. */
export interface Port {
  post(message: unknown, transfer?: ArrayBuffer[]): void;
  onMessage(handler: (message: unknown) => void): void;
}

/** Indices into a worker's control array (`Int32Array` over a `SharedArrayBuffer`). */
export const CTRL = {
  /** The step whose upstream gradients are in the exchange buffer (set by the main thread). */
  upstream: 0,
  /** Non-zero: stop waiting and fail (the run is over). */
  abort: 1,
  length: 2,
} as const;

/** A view tensor of one step (its data transferred with the message). */
export interface WireTensor {
  shape: number[];
  dtype: 'float32' | 'int32';
  data: Float32Array | Int32Array;
}

export interface InitMessage {
  type: 'init';
  rank: number;
  world: number;
  backend: string;
  /** Values of `tuning` of `@ssl/backends` (the wasm kernels' switches), to mirror the main thread's. */
  tuning: Record<string, unknown>;
  /** Module specifiers imported before anything else (custom layers, kernels). */
  imports: string[];
  recipe: MethodRecipe;
  /** `encoder.toJSON(null, false)`. */
  topology: unknown;
  build: Omit<BuildContext, 'rng'>;
  /** `describeLayout` of the main thread's replica; the worker's must match. */
  describe: string;
  weights: SharedArrayBuffer;
  grads: SharedArrayBuffer;
  /** Rank 0 only: where it writes back the variables `forward` changed (batch-norm statistics). */
  returned?: SharedArrayBuffer;
  ctrl: SharedArrayBuffer;
  /** Synchronized batch norm: the collective's floats and control (absent: per-worker statistics). */
  collective?: { data: SharedArrayBuffer; control: SharedArrayBuffer; capacity: number };
}

export interface StepMessage {
  type: 'step';
  /** Sequence number (the global step + 1, never 0). */
  seq: number;
  fields: { step: number; epoch: number; totalSteps: number; stepsPerEpoch: number; lr: number };
  views: Record<string, WireTensor>;
}

export type ToWorker = InitMessage | StepMessage | { type: 'close' };

export interface ReadyMessage {
  type: 'ready';
  numTensors: number;
}

/** The outputs of `forward` on the shard, written into `exchange` at `slots` (a new buffer when it grew). */
export interface OutputsMessage {
  type: 'outputs';
  seq: number;
  keys: string[];
  slots: Slot[];
  exchange?: SharedArrayBuffer;
}

export interface DoneMessage {
  type: 'done';
  seq: number;
  /** Per trainable variable: whether it got a gradient (absent ones are skipped, as `minimize` does). */
  present: boolean[];
  /** `tf.memory().numTensors` in the worker after the step. */
  numTensors: number;
  /** Milliseconds the worker spent copying to and from the shared buffers this step. */
  copyMs: number;
  /** The worker's compute this step: forward, the wait for the upstream gradients, backward (ms). */
  forwardMs: number;
  waitMs: number;
  backwardMs: number;
}

export interface ErrorMessage {
  type: 'error';
  message: string;
  stack?: string;
}

export type FromWorker =
  ReadyMessage | OutputsMessage | DoneMessage | ErrorMessage | { type: 'closed' };

import type * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Method } from './methods/method';
import type { RunIdentity } from './guards/resume-check';

/** Where a run stands when a checkpoint is written (stored in `state.json`). */
export interface RunState {
  /** Epochs completed. */
  epoch: number;
  /** Global steps completed. */
  step: number;
  /** The run's seed and the generator's state after the last completed step. */
  seed: number;
  rngState: unknown;
  /** The method's `name`. */
  method: string;
  /** What the run was started with (batch size, limit, data, ...); a resumed run must match it. */
  identity?: RunIdentity;
  /**
   * A checkpoint written inside an epoch (a stop on SIGINT, `checkpointEverySteps`):
   * the steps of epoch `epoch` already done, and the generator's state at that
   * epoch's start (its batch order is drawn again from it, those steps skipped).
   */
  epochStep?: number;
  epochRngState?: unknown;
}

/** The live objects a checkpoint reads from (save) or writes into (restore). */
export interface CheckpointParts {
  encoder: LayersModel;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  method: Method<any>;
  optimizer: tf.Optimizer;
}

/**
 * Saves and restores training checkpoints. `@ssl/trainer/node` implements it
 * on the file system (`nodeCheckpointIO`); `pretrain({ checkpointDir })` loads
 * that implementation lazily, so the main entry stays browser-safe. Pass your
 * own as `pretrain({ checkpointIO })` to keep checkpoints elsewhere.
 */
export interface CheckpointIO {
  save(dir: string, parts: CheckpointParts, state: RunState): Promise<void>;
  /** Restores into `parts` (already built) and returns the run state, or null when `dir` holds no checkpoint. */
  restore(dir: string, parts: CheckpointParts): Promise<RunState | null>;
}

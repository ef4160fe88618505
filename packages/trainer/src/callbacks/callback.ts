import type { CheckpointParts, RunState } from '../checkpoint-io';

/** What `pretrain()` reports after every optimizer step. */
export interface StepLogs {
  /** 0-based epoch. */
  epoch: number;
  /** 0-based global step (counts across epochs). */
  step: number;
  /** 0-based step inside the epoch. */
  epochStep: number;
  stepsPerEpoch: number;
  totalSteps: number;
  epochs: number;
  /** The method's loss for this step (before the update). */
  loss: number;
  /** Learning rate used for this step. */
  lr: number;
  /** Examples in this batch divided by the step's wall time (data + forward + backward + update). */
  imagesPerSec: number;
  /** Seconds since training (re)started. */
  elapsedSec: number;
  /** Extra values from the method (`record()` / `metrics()`), e.g. `{ momentum: 0.996 }`. */
  metrics: Record<string, number>;
}

/** What `pretrain()` reports after every epoch. */
export interface EpochLogs {
  epoch: number;
  epochs: number;
  /** Global steps done so far. */
  step: number;
  /** Mean loss over the epoch's steps. */
  loss: number;
  /** Wall time of the epoch. */
  seconds: number;
  imagesPerSec: number;
}

/** Information at the start of training. */
export interface TrainBeginInfo {
  method: string;
  epochs: number;
  stepsPerEpoch: number;
  totalSteps: number;
  batchSize: number;
  /** Epoch / global step training starts at (> 0 after `resume`). */
  startEpoch: number;
  startStep: number;
  /** True when state was restored from a checkpoint. */
  resumed: boolean;
  /** Threads sharing each step (`pretrain({ workers })` resolved; 1 = the single-thread path). */
  workers?: number;
  /** The TensorFlow.js backend the run trains on. */
  backend?: string;
  /** The live run, for callbacks that save it (the checkpoint callback). */
  run?: RunAccess;
}

/** What a callback may read of the live run. */
export interface RunAccess {
  /** The encoder, the method and the optimizer being trained. */
  parts: CheckpointParts;
  /** Where the run stands now (epochs and steps completed, the generator's state). */
  state(): RunState;
}

/** Summary at the end of training. */
export interface TrainEndInfo {
  epochsDone: number;
  steps: number;
  seconds: number;
  imagesPerSec: number;
  /** Why training stopped before `epochs`, if it did. */
  stopReason?: string;
}

/** Lets a callback end training after the current step. */
export interface TrainControl {
  /** Stops after the current step; `reason` ends up in the result's `stopReason`. */
  stop(reason: string): void;
}

/**
 * Hooks called by `pretrain()`. All optional; each may be async (the loop
 * awaits it). Browser-safe: the Node-only ones (progress bar, metrics file)
 * come from `@ssl/trainer/node`.
 */
export interface Callback {
  onTrainBegin?(info: TrainBeginInfo, control: TrainControl): void | Promise<void>;
  onEpochBegin?(epoch: number, control: TrainControl): void | Promise<void>;
  /**
   * Extra values for this step (e.g. the kNN monitor's `{ knn: 0.91 }`),
   * asked of every callback after the step and before any `onStepEnd`: they
   * are merged into `logs.metrics`, so the metrics log writes them and the
   * progress bar shows them, whatever the order of the callbacks.
   */
  stepMetrics?(
    logs: StepLogs,
    control: TrainControl,
  ): Record<string, number> | void | Promise<Record<string, number> | void>;
  onStepEnd?(logs: StepLogs, control: TrainControl): void | Promise<void>;
  onEpochEnd?(logs: EpochLogs, control: TrainControl): void | Promise<void>;
  onTrainEnd?(info: TrainEndInfo): void | Promise<void>;
}

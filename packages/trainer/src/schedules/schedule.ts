/**
 * A learning-rate schedule: the learning rate for a 0-based global step.
 * `pretrain()` calls it before every step and sets the result on the
 * optimizer (see `setLearningRate`).
 */
export type Schedule = (step: number) => number;

/** The length of a run, known once `pretrain()` has read the data. */
export interface RunLength {
  /** Steps in the whole run. */
  totalSteps: number;
  /** Steps per epoch. */
  stepsPerEpoch: number;
}

/**
 * What `pretrain({ schedule })` takes: a factory that `pretrain()` resolves
 * with the run's length before the first step (so a warm-up can be given in
 * epochs and a cosine can end with the run).
 */
export type ScheduleFactory = (run: RunLength) => Schedule;

/** A fixed learning rate. */
export function constantLr(lr: number): ScheduleFactory {
  if (!(Number.isFinite(lr) && lr >= 0)) {
    throw new Error(`constantLr: lr must be a finite number >= 0, got ${lr}`);
  }
  return () => () => lr;
}

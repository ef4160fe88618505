/**
 * A learning-rate schedule: the learning rate for a 0-based global step.
 * `pretrain()` calls it before every step and sets the result on the
 * optimizer (see `setLearningRate`).
 */
export type Schedule = (step: number) => number;

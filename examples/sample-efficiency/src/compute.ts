/**
 * The unit in which the study equalises compute between pipelines: one image
 * through the encoder forward **and** backward. A forward pass alone (FixMatch's
 * weak view, whose pseudo-label gets no gradient) counts a third of one, the
 * usual cost ratio of forward to forward + backward.
 */
export const FORWARD_ONLY = 1 / 3;

/** Image passes of a two-view pretraining run (SimCLR: both views forward and backward). */
export function pretrainPasses(steps: number, batchSize: number, views = 2): number {
  return steps * batchSize * views;
}

/** Image passes of one FixMatch step: B labelled and μB strong views with gradient, μB weak views without. */
export function fixMatchPassesPerStep(batchSize: number, mu: number): number {
  return batchSize + mu * batchSize + FORWARD_ONLY * mu * batchSize;
}

/** Image passes of a supervised fine-tuning run (one augmented view per labelled image). */
export function fineTunePasses(steps: number, batchSize: number): number {
  return steps * batchSize;
}

/**
 * FixMatch steps that cost `passes` image passes (rounded to the nearest step,
 * at least 1): how long FixMatch from scratch trains to match "pretraining +
 * fine-tuning" in compute.
 */
export function equalComputeSteps(passes: number, batchSize: number, mu: number): number {
  if (!(passes >= 0) || !(batchSize > 0) || !(mu >= 0)) {
    throw new Error(
      `equalComputeSteps: passes must be >= 0, batchSize > 0 and mu >= 0, got ${passes}, ${batchSize}, ${mu}`,
    );
  }
  return Math.max(1, Math.round(passes / fixMatchPassesPerStep(batchSize, mu)));
}

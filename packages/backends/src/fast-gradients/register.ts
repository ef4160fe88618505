import * as tf from '@tensorflow/tfjs-core';
import { batchNormGradConfig } from './batch-norm';
import { meanGradConfig } from './mean';

/** Gradients that replace tfjs-core's where those materialise full-size constants (see each file). */
export const FAST_GRADIENTS: readonly tf.GradConfig[] = [batchNormGradConfig, meanGradConfig];

/**
 * Registers {@link FAST_GRADIENTS} over tfjs-core's (backend-independent:
 * every backend gets them). Idempotent, and re-run by `useBackend`, because
 * importing tfjs-layers after @ssl/backends re-registers tfjs-core's own.
 * Returns the kernel names it (re)registered.
 */
export function registerFastGradients(): string[] {
  const changed: string[] = [];
  for (const config of FAST_GRADIENTS) {
    if (tf.getGradient(config.kernelName)?.gradFunc === config.gradFunc) continue;
    tf.registerGradient(config);
    changed.push(config.kernelName);
  }
  return changed;
}

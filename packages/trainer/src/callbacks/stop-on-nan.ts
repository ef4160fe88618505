import type { Callback } from './callback';

/**
 * Stops training at the first step whose loss is NaN or infinite, with a
 * message naming the step and the value (training further would only write
 * NaN weights). `pretrain()` adds it unless `stopOnNaN: false`.
 */
export function stopOnNaN(): Callback {
  return {
    onStepEnd(logs, control) {
      if (!Number.isFinite(logs.loss)) {
        control.stop(
          `loss is ${logs.loss} at epoch ${logs.epoch}, step ${logs.step} (lr ${logs.lr}); ` +
            'training stopped: lower the learning rate or check the data',
        );
      }
    },
  };
}

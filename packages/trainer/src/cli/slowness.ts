import type { Callback } from '../callbacks/callback';
import type { PretrainArgs } from './args';

/** An epoch estimated longer than this (seconds) is warned about. */
export const SLOW_EPOCH_SECONDS = 600;

/**
 * A callback that times the second step (the first includes tfjs's warm-up)
 * and, when an epoch would take longer than {@link SLOW_EPOCH_SECONDS},
 * warns once with the estimate and what would be faster.
 */
export function slownessWarning(
  a: Pick<PretrainArgs, 'encoder' | 'width'>,
  log: (line: string) => void,
): Callback {
  let last = 0;
  let seen = 0;
  let backend = '';
  return {
    onTrainBegin(info) {
      backend = info.backend ?? '';
      last = Date.now();
    },
    onStepEnd(logs) {
      seen++;
      const now = Date.now();
      const ms = now - last;
      last = now;
      if (seen !== 2) return;
      const epochSec = (ms / 1000) * logs.stepsPerEpoch;
      if (epochSec <= SLOW_EPOCH_SECONDS) return;
      const hint =
        a.encoder === 'conv'
          ? 'a smaller --width, --image-size or --limit is faster'
          : `--encoder conv, or --width ${a.width >= 0.5 ? 0.25 : a.width / 2}, is faster`;
      log(
        `ssl pretrain: warning: ${a.encoder}${a.width !== 1 ? ` x${a.width}` : ''} takes ${(ms / 1000).toFixed(2)} s a step on ${backend}: ` +
          `about ${(epochSec / 60).toFixed(0)} min an epoch, ${((epochSec * logs.epochs) / 3600).toFixed(1)} h for ${logs.epochs} epochs; ${hint}`,
      );
    },
  };
}

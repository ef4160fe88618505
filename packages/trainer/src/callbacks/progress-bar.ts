import { SingleBar, Presets } from 'cli-progress';
import type { Callback } from './callback';

/** Options of {@link progressBar}. */
export interface ProgressBarOptions {
  /** Output stream. Default `process.stderr`. */
  stream?: NodeJS.WritableStream;
  /** Redraw at most this often (ms). Default 100. */
  throttleMs?: number;
  /** When the stream is not a terminal (a log file, CI), print a progress line this often (ms). Default 5000. */
  nonTTYIntervalMs?: number;
}

/** The online-evaluation values among a step's metrics, as shown: ` | knn 83.1% probe 85.0%` ('' when none). */
export function monitorText(metrics: Record<string, number>): string {
  const parts = (['knn', 'probe'] as const)
    .filter((k) => typeof metrics[k] === 'number')
    .map((k) => `${k} ${(metrics[k] * 100).toFixed(1)}%`);
  return parts.length ? ` | ${parts.join(' ')}` : '';
}

/**
 * A terminal progress bar over the whole run (cli-progress) showing epoch,
 * steps, the loss, images/s and the ETA. Node only (`@ssl/trainer/node`).
 *
 * @example
 * ```ts
 * await pretrain({ ..., callbacks: [progressBar()] });
 * // epoch 2/5 |██████░░░░| 120/300 steps | loss 3.9812 | 412 img/s | ETA 44s
 * // with knnMonitor: ... | loss 3.9812 | knn 83.1% probe 85.0% | 412 img/s | ETA 44s
 * ```
 */
export function progressBar(options: ProgressBarOptions = {}): Callback {
  let bar: SingleBar | undefined;
  let monitor = ''; // the last online-evaluation scores shown (kNN monitor)
  const fmt = (v: number, digits: number) => (Number.isFinite(v) ? v.toFixed(digits) : String(v));
  return {
    onTrainBegin(info) {
      bar = new SingleBar(
        {
          format:
            'epoch {epoch}/{epochs} |{bar}| {value}/{total} steps | loss {loss}{monitor} | {ips} img/s | ETA {eta_formatted}',
          stream: options.stream ?? process.stderr,
          fps: 1000 / (options.throttleMs ?? 100),
          etaBuffer: 50,
          hideCursor: false,
          clearOnComplete: false,
          noTTYOutput: true,
          notTTYSchedule: options.nonTTYIntervalMs ?? 5000,
        },
        Presets.shades_classic,
      );
      bar.start(info.totalSteps, info.startStep, {
        epoch: info.startEpoch + 1,
        epochs: info.epochs,
        loss: '-',
        ips: '-',
        monitor: '',
      });
      monitor = '';
    },
    onStepEnd(logs) {
      bar?.update(logs.step + 1, {
        epoch: logs.epoch + 1,
        epochs: logs.epochs,
        loss: fmt(logs.loss, 4),
        ips: fmt(logs.imagesPerSec, 0),
        monitor: (monitor = monitorText(logs.metrics) || monitor),
      });
    },
    onTrainEnd() {
      bar?.stop();
      bar = undefined;
    },
  };
}

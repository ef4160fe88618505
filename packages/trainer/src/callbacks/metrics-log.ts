import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Callback } from './callback';

/** Options of {@link metricsLog}. */
export interface MetricsLogOptions {
  /**
   * Keep the lines already in the file (a resumed run appends). Default:
   * append when training resumed from a checkpoint, else start a new file.
   */
  append?: boolean;
}

/**
 * Writes one JSON line per step into `file` (e.g. `runs/x/metrics.jsonl`) as
 * training goes: `{"epoch","step","loss","lr","imagesPerSec", ...method metrics}`.
 * Each line is appended and flushed at once, so the file is readable (and
 * complete up to the last step) while training runs or after a crash.
 * Node only (`@ssl/trainer/node`).
 *
 * @example
 * ```ts
 * await pretrain({ ..., callbacks: [metricsLog('runs/simclr/metrics.jsonl')] });
 * ```
 */
export function metricsLog(file: string, options: MetricsLogOptions = {}): Callback {
  if (typeof file !== 'string' || file === '') {
    throw new Error(`metricsLog: file must be a non-empty path, got ${JSON.stringify(file)}`);
  }
  return {
    onTrainBegin(info) {
      mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
      const append = options.append ?? info.resumed;
      if (!append) writeFileSync(file, '');
    },
    onStepEnd(logs) {
      const line = {
        epoch: logs.epoch,
        step: logs.step,
        loss: Number.isFinite(logs.loss) ? logs.loss : String(logs.loss),
        lr: logs.lr,
        imagesPerSec: logs.imagesPerSec,
        ...logs.metrics,
      };
      appendFileSync(file, `${JSON.stringify(line)}\n`);
    },
  };
}

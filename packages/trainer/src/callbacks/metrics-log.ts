import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import * as path from 'node:path';
import type { Callback } from './callback';
import { refuseLink } from '../io/safe-path';

/** Options of {@link metricsLog}. */
export interface MetricsLogOptions {
  /**
   * Keep the lines already in the file (a resumed run appends). Default:
   * append when training resumed from a checkpoint, else start a new file.
   * When a resumed run appends, lines of steps at or after its `startStep`
   * (steps a crash made it repeat) are dropped first, so the file holds each
   * step once.
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
      // a link would be followed: truncated or appended to outside the run folder
      refuseLink('metricsLog', file);
      try {
        if (!append) writeFileSync(file, '');
        else if (info.resumed) dropStepsFrom(file, info.startStep);
      } catch (e) {
        // a read of a folder fails without naming it: name the file for the error line
        const err = e as NodeJS.ErrnoException;
        if (err.code && !err.path) err.path = file;
        throw err;
      }
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

/**
 * Rewrites `file` (atomically: a temp file renamed over it) without the lines
 * whose `step` is >= `startStep`; lines that are not JSON objects with a
 * numeric step (a line cut by a crash) are dropped too.
 */
function dropStepsFrom(file: string, startStep: number): void {
  if (!existsSync(file)) return;
  const lines = readFileSync(file, 'utf8').split('\n');
  const keep = lines.filter((line) => {
    if (line.trim() === '') return false;
    try {
      const step = (JSON.parse(line) as { step?: unknown }).step;
      return typeof step === 'number' && step < startStep;
    } catch {
      return false;
    }
  });
  if (keep.length === lines.filter((l) => l.trim() !== '').length) return;
  const tmp = `${file}.tmp-${process.pid}`;
  rmSync(tmp, { force: true }); // a leftover (or a planted link) is removed, never written through
  writeFileSync(tmp, keep.map((l) => `${l}\n`).join(''), { flag: 'wx' });
  renameSync(tmp, file);
}

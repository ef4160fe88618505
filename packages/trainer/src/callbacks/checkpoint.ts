import type { CheckpointIO } from '../checkpoint-io';
import type { Callback, RunAccess } from './callback';

/** Options of {@link checkpointCallback}. */
export interface CheckpointCallbackOptions {
  /** Where checkpoints are written (passed to `io.save`). */
  dir: string;
  /** Checkpoint storage (`nodeCheckpointIO` from `@ssl/trainer/node`, or your own). */
  io: CheckpointIO;
  /** Epochs between checkpoints; the last epoch is always written. Default 1. */
  every?: number;
}

/**
 * Writes a checkpoint (encoder, method state, optimizer slots, epoch, step,
 * the generator's state) through `io` every `every` epochs and after the last
 * one, skipping an epoch whose mean loss is not finite. Browser-safe: the
 * Node form is `checkpoint({ dir })` from `@ssl/trainer/node`;
 * `pretrain({ checkpointDir })` adds it for you.
 */
export function checkpointCallback({ dir, io, every = 1 }: CheckpointCallbackOptions): Callback {
  if (!Number.isInteger(every) || every < 1) {
    throw new Error(`checkpoint: every must be an integer >= 1, got ${every}`);
  }
  let run: RunAccess | undefined;
  return {
    onTrainBegin(info) {
      if (!info.run) throw new Error('checkpoint: pretrain() did not pass the run (info.run)');
      run = info.run;
    },
    async onEpochEnd(logs) {
      if (!run || !Number.isFinite(logs.loss)) return;
      if ((logs.epoch + 1) % every === 0 || logs.epoch + 1 === logs.epochs) {
        await io.save(dir, run.parts, run.state());
      }
    },
  };
}

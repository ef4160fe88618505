import type { CheckpointIO } from '../checkpoint-io';
import type { Callback, RunAccess } from './callback';

/** Options of {@link stepCheckpoints}. */
export interface StepCheckpointsOptions {
  /** The checkpoint folder (the one `pretrain({ checkpointDir })` resumes from). */
  dir: string;
  io: CheckpointIO;
  /** Also write a checkpoint every N global steps (inside epochs too). Default: never. */
  everySteps?: number;
}

/** A callback that checkpoints inside epochs, and stops cleanly when asked to. */
export interface StepCheckpoints extends Callback {
  /**
   * Ask the run to stop: the step under way finishes, a checkpoint is
   * written (inside the epoch, or at its end when it was the last step), and
   * `pretrain` returns with `stopReason` `interrupted (<why>)`.
   */
  interrupt(why: string): void;
  /** The global step of the last checkpoint written here, if any. */
  readonly savedStep: number | undefined;
  /** Whether checkpoints inside an epoch are written: not with workers (their next step is drawn ahead). */
  readonly insideEpoch: boolean;
}

/**
 * Checkpoints written between epoch ends: every `everySteps` steps, and once
 * more when {@link StepCheckpoints.interrupt} is called (what `ssl pretrain`
 * does on SIGINT / SIGTERM). A resumed run continues inside the epoch with
 * the same batches and random numbers as an uninterrupted one. With workers
 * (> 1 thread) only epoch-end checkpoints are written: the next step's views
 * are drawn while a step runs, so a state inside an epoch would not resume
 * exactly.
 */
export function stepCheckpoints({ dir, io, everySteps }: StepCheckpointsOptions): StepCheckpoints {
  if (everySteps !== undefined && !(Number.isInteger(everySteps) && everySteps >= 1)) {
    throw new Error(`stepCheckpoints: everySteps must be an integer >= 1, got ${everySteps}`);
  }
  let run: RunAccess | undefined;
  let pending: string | undefined;
  let savedStep: number | undefined;
  let workers = 1;
  const save = async (insideEpoch: boolean) => {
    // with workers the next step's views are drawn ahead: a mid-epoch state would not resume exactly
    if (!run || (insideEpoch && workers > 1)) return;
    const state = run.state();
    await io.save(dir, run.parts, state);
    savedStep = state.step;
  };
  return {
    get savedStep() {
      return savedStep;
    },
    interrupt(why) {
      pending ??= why;
    },
    /** True when a checkpoint inside an epoch can be written (one thread; see above). */
    get insideEpoch() {
      return workers === 1;
    },
    onTrainBegin(info) {
      run = info.run;
      workers = info.workers ?? 1;
    },
    async onStepEnd(logs, control) {
      const lastOfEpoch = logs.epochStep + 1 === logs.stepsPerEpoch; // onEpochEnd saves those
      if (pending !== undefined) {
        if (!lastOfEpoch) await save(true);
        control.stop(`interrupted (${pending})`);
        return;
      }
      if (everySteps !== undefined && (logs.step + 1) % everySteps === 0 && !lastOfEpoch) {
        await save(true);
      }
    },
    async onEpochEnd(logs) {
      const due = everySteps !== undefined && logs.step % everySteps === 0;
      if (pending !== undefined || due) await save(false);
    },
  };
}

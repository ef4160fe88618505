import type { Rng } from '@ssl/augment';
import type { CheckpointIO, CheckpointParts } from '../checkpoint-io';
import { checkResume, epochsReached, type RunIdentity } from '../guards/resume-check';

/** Where a run starts. */
export interface StartPoint {
  epoch: number;
  step: number;
  resumed: boolean;
  /** Set when the checkpoint already holds the run's `epochs`: the line that says so. */
  reached?: string;
  /** A checkpoint from inside epoch `epoch`: its steps done, and the generator at its start. */
  inEpoch?: { steps: number; rngState: unknown; rngAfter: unknown };
}

// A variable so that bundlers do not follow it into the browser build.
const NODE_ENTRY = '@ssl/trainer/node';

/** The file-system checkpoint storage of `@ssl/trainer/node`, imported only when a run asks for it. */
export async function defaultCheckpointIO(): Promise<CheckpointIO> {
  if (typeof process === 'undefined' || !process.versions?.node) {
    throw new Error(
      'pretrain: checkpointDir needs Node (file system); in a browser pass checkpointIO or save with callbacks',
    );
  }
  const mod = (await import(/* @vite-ignore */ NODE_ENTRY)) as { nodeCheckpointIO: CheckpointIO };
  return mod.nodeCheckpointIO;
}

/**
 * Restores the checkpoint in `dir` into `parts` (already built) and `rng`,
 * and returns where the run continues; a fresh start when `dir` holds none.
 * Refuses (one line) a checkpoint written with another method, batch size,
 * limit, steps per epoch or data (`run.identity`).
 */
export async function resumeRun(
  io: CheckpointIO,
  dir: string,
  parts: CheckpointParts,
  rng: Rng,
  run: { identity: RunIdentity; epochs: number },
): Promise<StartPoint> {
  const state = await io.restore(dir, parts);
  if (!state) return { epoch: 0, step: 0, resumed: false };
  checkResume(dir, state.identity, run.identity);
  if (state.method !== parts.method.name) {
    throw new Error(
      `pretrain: checkpoint in ${dir} is for method '${state.method}', not '${parts.method.name}'`,
    );
  }
  rng.setState(state.rngState as never);
  const reached = epochsReached(dir, state, run.epochs);
  const inEpoch =
    state.epochStep && state.epochStep > 0
      ? { steps: state.epochStep, rngState: state.epochRngState, rngAfter: state.rngState }
      : undefined;
  return {
    epoch: state.epoch,
    step: state.step,
    resumed: true,
    reached,
    ...(inEpoch ? { inEpoch } : {}),
  };
}

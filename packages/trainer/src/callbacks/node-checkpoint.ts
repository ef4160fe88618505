import { nodeCheckpointIO } from '../io/checkpoint';
import type { Callback } from './callback';
import { checkpointCallback } from './checkpoint';

/** Options of {@link checkpoint}. */
export interface CheckpointOptions {
  /** Directory of the checkpoint (`encoder/`, `state.json`, `state.bin`). */
  dir: string;
  /** Epochs between checkpoints; the last epoch is always written. Default 1. */
  every?: number;
}

/**
 * Node: writes a checkpoint into `dir` every `every` epochs and after the last
 * one (`nodeCheckpointIO`); resume it with `pretrain({ checkpointDir: dir, resume: true })`.
 *
 * @example
 * ```ts
 * await pretrain({ method, encoder, data, epochs: 10, batchSize: 128, callbacks: [checkpoint({ dir: 'runs/a/checkpoint' })] });
 * ```
 */
export function checkpoint({ dir, every }: CheckpointOptions): Callback {
  return checkpointCallback({ dir, io: nodeCheckpointIO, every });
}

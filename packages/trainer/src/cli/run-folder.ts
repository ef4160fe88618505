import { existsSync, mkdirSync, rmSync, statSync, accessSync, constants } from 'node:fs';
import * as path from 'node:path';
import { UsageError } from './command-line';

/** What `ssl pretrain` writes into its `--out` folder. */
export const RUN_FILES = [
  'checkpoint',
  'checkpoint.old',
  'metrics.jsonl',
  'encoder',
  'tokenizer.json',
  'run.json',
] as const;

/**
 * Makes `out` ready for a run, losing nothing: refuses a file, an unwritable
 * folder, and a folder that already holds a run unless `resume` (continue it)
 * or `overwrite` (its run files, and only those, are removed first).
 */
export function prepareRunFolder(out: string, opts: { resume: boolean; overwrite: boolean }): void {
  const cmd = 'ssl pretrain';
  if (existsSync(out) && !statSync(out).isDirectory()) {
    throw new UsageError(`${cmd}: --out '${out}' is a file, not a folder`);
  }
  const held = RUN_FILES.filter((f) => existsSync(path.join(out, f)));
  const run = held.filter((f) => f === 'checkpoint' || f === 'metrics.jsonl' || f === 'encoder');
  if (run.length > 0 && !opts.resume && !opts.overwrite) {
    throw new UsageError(
      `${cmd}: --out '${out}' already holds a run (${run.join(', ')}); pass --resume to continue it or --overwrite to replace it`,
    );
  }
  mkdirSync(out, { recursive: true });
  try {
    accessSync(out, constants.W_OK);
  } catch {
    throw new UsageError(`${cmd}: --out '${out}' is not writable (permission denied)`);
  }
  if (opts.overwrite) {
    for (const f of held) rmSync(path.join(out, f), { recursive: true, force: true });
  }
}

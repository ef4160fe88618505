import { existsSync, lstatSync, rmSync, statSync, accessSync, constants } from 'node:fs';
import * as path from 'node:path';
import { UsageError } from './command-line';
import { acquireRunLock, type RunLock } from './run-lock';
import { makeFolder } from '../io/safe-path';

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
 * or `overwrite` (its run files, and only those, are removed first). Takes
 * the folder's lock (`run-lock.ts`) before touching anything in it: a folder
 * another process runs in is refused. A run file that is a symbolic link is
 * refused (the run reads and writes only inside `out`). Returns the lock;
 * the caller releases it when the run ends.
 */
export function prepareRunFolder(
  out: string,
  opts: {
    resume: boolean;
    overwrite: boolean;
    log?: (line: string) => void;
    /** Let the lock release itself and re-raise on SIGINT/SIGTERM (default true). */
    signals?: boolean;
  },
): RunLock {
  const cmd = 'ssl pretrain';
  if (existsSync(out) && !statSync(out).isDirectory()) {
    throw new UsageError(`${cmd}: --out '${out}' is a file, not a folder`);
  }
  makeFolder(out); // fails with the real reason (EROFS, EACCES), named by the caller
  try {
    accessSync(out, constants.W_OK);
  } catch (e) {
    const why =
      (e as NodeJS.ErrnoException).code === 'EROFS'
        ? 'is on a read-only file system (EROFS)'
        : 'is not writable (permission denied)';
    throw new UsageError(`${cmd}: --out '${out}' ${why}`);
  }
  const lock = acquireRunLock(out, cmd, opts.log, { signals: opts.signals ?? true });
  try {
    const held = RUN_FILES.filter((f) => lstatSync(path.join(out, f), { throwIfNoEntry: false }));
    const run = held.filter((f) => f === 'checkpoint' || f === 'metrics.jsonl' || f === 'encoder');
    if (run.length > 0 && !opts.resume && !opts.overwrite) {
      throw new UsageError(
        `${cmd}: --out '${out}' already holds a run (${run.join(', ')}); pass --resume to continue it or --overwrite to replace it`,
      );
    }
    const link = held.find((f) => lstatSync(path.join(out, f)).isSymbolicLink());
    if (link && !opts.overwrite) {
      throw new UsageError(
        `${cmd}: ${path.join(out, link)} is a symbolic link; a run reads and writes only files inside --out, refused (remove the link)`,
      );
    }
    // rmSync removes a link itself, never what it points to
    if (opts.overwrite) {
      for (const f of held) rmSync(path.join(out, f), { recursive: true, force: true });
    }
  } catch (e) {
    lock.release();
    throw e;
  }
  return lock;
}

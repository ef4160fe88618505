import { closeSync, lstatSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { processAlive } from '../io/process-alive';

/** The lock file's name inside a run folder. */
export const LOCK_FILE = 'run.lock';

/** What the lock file holds (JSON). */
export interface LockOwner {
  pid: number;
  host: string;
  /** ISO time the owner took the lock. */
  startedAt: string;
  /** The command that holds it (`ssl pretrain`). */
  command: string;
}

/** A held lock: `release()` removes the file (idempotent; also done on exit, SIGINT, SIGTERM). */
export interface RunLock {
  readonly file: string;
  release(): void;
}

/** Creates `file` only if nothing (not even a dangling link) is there; false when something is. */
function create(file: string, owner: LockOwner): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx'); // O_CREAT | O_EXCL: never follows a link, never truncates
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    writeSync(fd, JSON.stringify(owner));
  } finally {
    closeSync(fd);
  }
  return true;
}

/** The owner recorded in `file`, or null when it cannot be read as one (empty, cut, not JSON). */
function readOwner(file: string): LockOwner | null {
  try {
    const o = JSON.parse(readFileSync(file, 'utf8')) as LockOwner;
    return Number.isInteger(o?.pid) && typeof o.host === 'string' ? o : null;
  } catch {
    return null;
  }
}

/**
 * Takes the lock of the run folder `dir` (which must exist): the file
 * `dir/run.lock`, created exclusively, holding this process's pid, host,
 * start time and `command`. One process per run folder:
 *
 * - a lock held by a live process, or by any process of another host, is
 *   refused with one line naming the owner;
 * - a stale lock (its pid no longer runs on this host, e.g. after a
 *   SIGKILL) is named through `log` and taken over;
 * - a lock file that is a symbolic link or not a regular file is refused.
 *
 * The lock is removed by `release()`, and on every way out of the process:
 * normal exit, an error, SIGINT and SIGTERM (the signal is then re-raised, so
 * the process still ends as the signal ends it; `signals: false` leaves the
 * signals to a caller that handles them and releases the lock itself). A SIGKILL leaves it behind;
 * the next run finds it stale.
 */
export function acquireRunLock(
  dir: string,
  command: string,
  log: (line: string) => void = () => undefined,
  opts: { signals?: boolean } = {},
): RunLock {
  const file = path.join(dir, LOCK_FILE);
  const owner: LockOwner = {
    pid: process.pid,
    host: os.hostname(),
    startedAt: new Date().toISOString(),
    command,
  };
  for (let attempt = 0; !create(file, owner); attempt++) {
    const st = lstatSync(file, { throwIfNoEntry: false });
    if (!st) continue; // released between the two calls: try again
    if (!st.isFile()) {
      throw new Error(
        `${command}: the lock ${file} is ${st.isSymbolicLink() ? 'a symbolic link' : 'not a regular file'}; refused (remove it)`,
      );
    }
    const held = readOwner(file);
    const young = Date.now() - st.mtimeMs < 10_000; // a lock being written this instant
    const stale =
      attempt === 0 &&
      (held ? held.host === owner.host && !processAlive(held.pid) : !young && st.size < 4096);
    if (!stale) {
      const who = held
        ? `pid ${held.pid} on host ${held.host} since ${held.startedAt} (${held.command})`
        : 'a process that is creating it';
      throw new Error(
        `${command}: '${dir}' is in use by ${who}: lock ${file}; wait for it to end, or remove the lock if that process is gone`,
      );
    }
    log(
      `${command}: taking over the stale lock ${file} (${held ? `pid ${held.pid} on ${held.host} since ${held.startedAt}, no longer running` : 'unreadable'})`,
    );
    unlinkSync(file);
  }

  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    // remove only our own lock (a user may have removed it and another run taken it)
    if (readOwner(file)?.pid === owner.pid && lstatSync(file, { throwIfNoEntry: false })?.isFile())
      unlinkSync(file);
  };
  function onSignal(signal: NodeJS.Signals): void {
    release();
    process.kill(process.pid, signal); // no listener left: the default action ends the process
  }
  process.on('exit', release);
  if (opts.signals ?? true) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  return { file, release };
}

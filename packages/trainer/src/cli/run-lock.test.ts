import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { acquireRunLock, LOCK_FILE } from './run-lock';

// pid 2^22 + 1 is above Linux's pid_max range: a process that does not exist
const DEAD_PID = 4194305;

describe('acquireRunLock (one process per run folder)', () => {
  let root: string;
  let n = 0;
  const folder = () => {
    const d = path.join(root, `run${n++}`);
    rmSync(d, { recursive: true, force: true });
    mkdirSync(d);
    return d;
  };
  beforeAll(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'ssl-lock-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('writes pid, host and start time; a second taker is refused in one line; release removes it', () => {
    const dir = folder();
    const lock = acquireRunLock(dir, 'ssl pretrain');
    const owner = JSON.parse(readFileSync(path.join(dir, LOCK_FILE), 'utf8'));
    expect(owner).toMatchObject({ pid: process.pid, host: os.hostname(), command: 'ssl pretrain' });
    expect(Number.isNaN(Date.parse(owner.startedAt))).toBe(false);
    expect(() => acquireRunLock(dir, 'ssl pretrain')).toThrow(
      new RegExp(
        `^ssl pretrain: '.*' is in use by pid ${process.pid} on host .* since .*: lock .*run\\.lock; wait for it to end, or remove the lock if that process is gone$`,
      ),
    );
    lock.release();
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    lock.release(); // idempotent
    acquireRunLock(dir, 'ssl pretrain').release();
  });

  it('a stale lock (dead pid, this host) is named and taken over', () => {
    const dir = folder();
    const file = path.join(dir, LOCK_FILE);
    writeFileSync(
      file,
      JSON.stringify({
        pid: DEAD_PID,
        host: os.hostname(),
        startedAt: '2026-01-01T00:00:00.000Z',
        command: 'ssl pretrain',
      }),
    );
    const lines: string[] = [];
    const lock = acquireRunLock(dir, 'ssl pretrain', (l) => void lines.push(l));
    expect(lines).toEqual([
      `ssl pretrain: taking over the stale lock ${file} (pid ${DEAD_PID} on ${os.hostname()} since 2026-01-01T00:00:00.000Z, no longer running)`,
    ]);
    expect(JSON.parse(readFileSync(file, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it("another host's lock is never taken over (its pid cannot be checked from here)", () => {
    const dir = folder();
    const owner = { pid: DEAD_PID, host: 'other-host', startedAt: 'x', command: 'ssl pretrain' };
    writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify(owner));
    expect(() => acquireRunLock(dir, 'ssl pretrain')).toThrow(
      /is in use by pid 4194305 on host other-host/,
    );
  });

  it('an old unreadable lock is stale; a lock file that is a symbolic link is refused, not followed', () => {
    const dir = folder();
    const file = path.join(dir, LOCK_FILE);
    writeFileSync(file, '');
    utimesSync(file, new Date(0), new Date(0));
    const lines: string[] = [];
    acquireRunLock(dir, 'ssl pretrain', (l) => void lines.push(l)).release();
    expect(lines[0]).toMatch(/taking over the stale lock .* \(unreadable\)/);

    const target = path.join(root, 'precious.txt');
    writeFileSync(target, 'keep me');
    symlinkSync(target, file);
    expect(() => acquireRunLock(dir, 'ssl pretrain')).toThrow(
      /^ssl pretrain: the lock .*run\.lock is a symbolic link; refused/,
    );
    expect(readFileSync(target, 'utf8')).toBe('keep me');
  });
});

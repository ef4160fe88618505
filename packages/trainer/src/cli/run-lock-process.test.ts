// One `ssl pretrain` per run folder, as processes: a second one (fresh or
// --resume) is refused while the first runs; SIGINT / SIGTERM remove the lock;
// a SIGKILL leaves a stale lock that the next run names and takes over.
// (SIGTERM runs the same handler as SIGINT: run-lock.ts; checked by hand.)
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { builtCli } from './built-cli';
import { LOCK_FILE } from './run-lock';

const built = builtCli();
if ('skip' in built) console.warn(`skipping the run-lock process tests: ${built.skip}`);
const suite = 'skip' in built ? describe.skip : describe;
const cli = () => (built as { cli: string }).cli;

const args = (out: string, epochs: number, ...extra: string[]) => [
  cli(),
  'pretrain',
  '--method',
  'simclr',
  '--data',
  'mnist',
  '--limit',
  '64',
  '--batch-size',
  '8',
  '--epochs',
  String(epochs),
  '--workers',
  '1',
  '--backend',
  'wasm',
  '--quiet',
  '--out',
  out,
  ...extra,
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts a long run in `out` and resolves once it trains (its lock and a metrics line exist). */
async function startRun(out: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, args(out, 1000), { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += String(d)));
  const metrics = path.join(out, 'metrics.jsonl');
  for (let t = 0; t < 200; t++) {
    if (existsSync(metrics) && readFileSync(metrics, 'utf8').includes('"step"')) return child;
    if (child.exitCode !== null) throw new Error(`the run ended early: ${stderr}`);
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error(`the run did not start training in 20 s: ${stderr}`);
}

const exited = (child: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null)
      resolve({ code: child.exitCode, signal: child.signalCode });
    else child.on('exit', (code, signal) => resolve({ code, signal }));
  });

suite('run lock (ssl pretrain processes)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ssl-lock-proc-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(['SIGINT'] as const)(
    'a second run or --resume is refused while one runs; %s removes the lock',
    async (signal) => {
      const out = path.join(dir, signal);
      const first = await startRun(out);
      try {
        const owner = JSON.parse(readFileSync(path.join(out, LOCK_FILE), 'utf8'));
        expect(owner).toMatchObject({ pid: first.pid, host: os.hostname() });
        for (const extra of [['--resume']]) {
          const second = spawnSync(process.execPath, args(out, 1, ...extra), {
            encoding: 'utf8',
            timeout: 20_000,
          });
          expect(second.status).toBe(1);
          expect(second.stderr.trim().split('\n')).toEqual([
            expect.stringMatching(
              new RegExp(`^ssl pretrain: '.*' is in use by pid ${first.pid} on host .* since .*`),
            ),
          ]);
        }
        first.kill(signal);
        // the command finishes its step, checkpoints and exits 130 (see interrupt.test.ts)
        expect(await exited(first)).toEqual({ code: 130, signal: null });
        expect(existsSync(path.join(out, LOCK_FILE))).toBe(false);
      } finally {
        first.kill('SIGKILL');
      }
    },
    60_000,
  );

  it('a SIGKILL leaves a stale lock: the next run names it and takes it over', async () => {
    const out = path.join(dir, 'killed');
    const first = await startRun(out);
    first.kill('SIGKILL');
    await exited(first);
    expect(existsSync(path.join(out, LOCK_FILE))).toBe(true);
    const next = spawnSync(process.execPath, args(out, 1, '--overwrite'), {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(next.stderr).toContain(
      `ssl pretrain: taking over the stale lock ${path.join(out, LOCK_FILE)} (pid ${first.pid} on ${os.hostname()}`,
    );
    expect(next.status).toBe(0);
    expect(existsSync(path.join(out, LOCK_FILE))).toBe(false);
  }, 60_000);
});

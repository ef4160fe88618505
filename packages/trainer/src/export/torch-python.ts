import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import * as path from 'node:path';

/**
 * The Python that has PyTorch: `SSL_PYTHON`, else `/usr/bin/python3` (Debian's
 * `python3-torch`; a pyenv `python3` first on PATH usually lacks torch).
 */
export const PYTHON = process.env.SSL_PYTHON ?? '/usr/bin/python3';

/** The repository's `python/` folder (holds the `ssl_torch` package). */
export const PYTHON_DIR = path.resolve(__dirname, '../../../../python');

/** Whether {@link PYTHON} imports torch (checked once). */
let cached: boolean | undefined;
export function torchAvailable(): boolean {
  if (cached === undefined) {
    const r = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
    cached = r.status === 0;
  }
  return cached;
}

/** Runs `python3 args...` in `python/`; returns stdout + stderr, throws with them when it fails. */
export function runPython(args: string[], timeoutMs = 300_000): string {
  const r = spawnSync(PYTHON, args, {
    cwd: PYTHON_DIR,
    encoding: 'utf8',
    timeout: timeoutMs,
    env: { ...process.env, OMP_NUM_THREADS: '1', PYTHONDONTWRITEBYTECODE: '1' },
  });
  if (r.status !== 0) {
    throw new Error(
      `python ${args.join(' ')} exited ${r.status ?? r.signal}:\n${r.stdout}\n${r.stderr}`,
    );
  }
  return `${r.stdout}${r.stderr}`;
}

/**
 * Starts `python3 args...` once per rank as a launcher would (torchrun, srun):
 * RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT set; resolves when all exit 0.
 */
export async function runPythonRanks(args: string[], world: number, port: number): Promise<void> {
  const runs = Array.from({ length: world }, (_, rank) => {
    const child = spawn(PYTHON, args, {
      cwd: PYTHON_DIR,
      env: {
        ...process.env,
        OMP_NUM_THREADS: '1',
        PYTHONDONTWRITEBYTECODE: '1',
        RANK: String(rank),
        WORLD_SIZE: String(world),
        MASTER_ADDR: '127.0.0.1',
        MASTER_PORT: String(port),
      },
    });
    let output = '';
    child.stdout.on('data', (d) => (output += String(d)));
    child.stderr.on('data', (d) => (output += String(d)));
    return new Promise<void>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) =>
        code === 0
          ? resolve()
          : reject(new Error(`python rank ${rank} ${args.join(' ')} exited ${code}:\n${output}`)),
      );
    });
  });
  await Promise.all(runs);
}

/** A TCP port of 127.0.0.1 that was free a moment ago (for a rendezvous). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

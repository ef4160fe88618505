import { spawnSync } from 'node:child_process';
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

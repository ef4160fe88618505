import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';

const PKG = path.join(__dirname, '..', '..');
/** The built `ssl` bin. */
export const CLI = path.join(PKG, 'dist', 'cli.js');

/** Newest modification time of the non-test sources under `dir`. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
      newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * For the tests that run `ssl` as a process: returns the path of
 * `dist/cli.js`, rebuilding this package first when the bin is missing or
 * older than its sources (the dependencies' `dist/` must exist: `npx turbo
 * run build --filter=@ssl/trainer...`, which CI's `npm run build` does).
 * Returns a reason instead when the bin cannot be had outside CI; in CI it throws.
 */
export function builtCli(): { cli: string } | { skip: string } {
  const deps = ['augment', 'backends', 'data', 'encoders', 'losses', 'mlm'].filter(
    (p) => !existsSync(path.join(PKG, '..', p, 'dist', 'index.js')),
  );
  const fail = (reason: string) => {
    if (process.env.CI) throw new Error(reason);
    return { skip: reason };
  };
  if (deps.length > 0) {
    return fail(
      `the ssl process tests need the built dependencies (missing dist/ in ${deps.join(', ')}): run npx turbo run build --filter=@ssl/trainer...`,
    );
  }
  if (!existsSync(CLI) || statSync(CLI).mtimeMs < newestSource(path.join(PKG, 'src'))) {
    try {
      execFileSync('npx', ['tsup'], { cwd: PKG, stdio: 'pipe' });
    } catch (e) {
      return fail(
        `building @ssl/trainer for the ssl process tests failed: ${(e as Error).message}`,
      );
    }
  }
  return { cli: CLI };
}

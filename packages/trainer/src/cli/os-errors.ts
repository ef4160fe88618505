import * as path from 'node:path';

/** The OS error codes a user can cause and fix, in words. */
const REASONS: Record<string, string> = {
  ENOENT: 'does not exist',
  ENOTDIR: 'has a file where a folder is expected',
  EEXIST: 'already exists as a file, not a folder',
  EISDIR: 'is a folder where a file is expected',
  EACCES: 'is not accessible (permission denied)',
  EPERM: 'is not accessible (operation not permitted)',
  EROFS: 'is on a read-only file system',
  ENOSPC: 'is on a full disk',
};

/** A Node system error (`fs` and friends): a code and usually a path. */
interface SystemError extends Error {
  code?: string;
  path?: string;
  dest?: string;
}

const inside = (p: string, root: string) => {
  const rel = path.relative(path.resolve(root), path.resolve(p));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

/**
 * One line for an OS error met while running `command`, naming the flag whose
 * path it concerns (`flags` maps a flag to the paths it named), e.g.
 * `ssl pretrain: --out 'runs/x' already exists as a file, not a folder (EEXIST: runs/x)`.
 * Returns undefined for anything that is not such an error.
 */
export function describeOsError(
  command: string,
  error: unknown,
  flags: Record<string, readonly string[]>,
): string | undefined {
  const e = error as SystemError;
  if (!e || typeof e.code !== 'string' || !(e.code in REASONS)) return undefined;
  const where = e.path ?? e.dest;
  for (const [flag, paths] of Object.entries(flags)) {
    for (const p of paths) {
      if (where !== undefined && inside(where, p)) {
        const detail = path.resolve(where) === path.resolve(p) ? '' : `: ${where}`;
        return `${command}: --${flag} '${p}' ${REASONS[e.code]} (${e.code}${detail})`;
      }
      if (where !== undefined && inside(p, where)) {
        // a folder on the way to the flag's path (mkdir -p stopped there)
        return `${command}: --${flag} '${p}': the folder ${where} on its way ${REASONS[e.code]} (${e.code})`;
      }
    }
  }
  return `${command}: ${where ?? 'a file'} ${REASONS[e.code]} (${e.code})`;
}

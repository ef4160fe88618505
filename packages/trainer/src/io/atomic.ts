import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { removeStaleTemps } from './integrity';

/** A sibling temp path of `target`, unique to this process and call. */
function tempPath(target: string, tag: string): string {
  const rand = Math.floor(Math.random() * 1e9).toString(36);
  return path.join(
    path.dirname(target),
    `.${path.basename(target)}.${tag}-${process.pid}-${Date.now()}-${rand}`,
  );
}

/** Writes a file atomically: into a temp file beside it, then renamed over it. */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = tempPath(file, 'tmp');
  try {
    await fs.writeFile(tmp, data);
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
}

/**
 * Writes a whole folder atomically: `fill(tempDir)` writes into a fresh temp
 * folder beside `dir`, which then replaces `dir` (the old one is moved to
 * `dir.old` first and removed last; {@link resolveDir} falls back to it if a
 * crash happened between the two renames). Temp folders that a killed
 * process left beside `dir` are removed first; when only `dir.old` survives a
 * crash, it is moved back to `dir` before anything is deleted, so a kill at
 * any moment leaves a complete folder (the old or the new one).
 */
export async function writeDirAtomic(
  dir: string,
  fill: (tmpDir: string) => Promise<void>,
): Promise<void> {
  const target = path.resolve(dir);
  await fs.mkdir(path.dirname(target), { recursive: true });
  const tmp = tempPath(target, 'tmp');
  const old = `${target}.old`;
  await removeStaleTemps(target);
  const isDir = (p: string) =>
    fs.stat(p).then(
      (s) => s.isDirectory(),
      () => false,
    );
  if (!(await isDir(target)) && (await isDir(old))) await fs.rename(old, target);
  await fs.mkdir(tmp, { recursive: true });
  try {
    await fill(tmp);
  } catch (e) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw e;
  }
  await fs.rm(old, { recursive: true, force: true });
  const exists = await fs.stat(target).then(
    () => true,
    () => false,
  );
  if (exists) await fs.rename(target, old);
  await fs.rename(tmp, target);
  await fs.rm(old, { recursive: true, force: true });
}

/** `dir` if it exists, else `dir.old` if a replacement was interrupted, else null. */
export async function resolveDir(dir: string): Promise<string | null> {
  for (const d of [path.resolve(dir), `${path.resolve(dir)}.old`]) {
    const ok = await fs.stat(d).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (ok) return d;
  }
  return null;
}

/**
 * Resolves a relative file name from a manifest inside `dir`, refusing
 * absolute paths and paths that leave the folder (`../x.bin`).
 */
export function safeJoin(fn: string, dir: string, name: unknown): string {
  if (typeof name !== 'string' || name === '') {
    throw new Error(`${fn}: weight path must be a non-empty string, got ${JSON.stringify(name)}`);
  }
  if (path.isAbsolute(name) || path.win32.isAbsolute(name) || name.includes('\0')) {
    throw new Error(
      `${fn}: weight path '${name}' is absolute; only files inside ${dir} are loaded`,
    );
  }
  const root = path.resolve(dir);
  const full = path.resolve(root, name);
  const rel = path.relative(root, full);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new Error(`${fn}: weight path '${name}' escapes the folder ${dir}; refused`);
  }
  return full;
}

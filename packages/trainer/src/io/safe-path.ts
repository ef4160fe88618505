import * as fs from 'node:fs';
import * as path from 'node:path';

/** Whether `inner` is `root` or lies inside it (both absolute). */
function inside(root: string, inner: string): boolean {
  const rel = path.relative(root, inner);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Refuses `file` when it is a symbolic link (to anything): files a run or an
 * export reads or writes are regular files inside the folders the user
 * named, never followed out of them. A missing file passes.
 */
export function refuseLink(fn: string, file: string): void {
  const st = fs.lstatSync(file, { throwIfNoEntry: false });
  if (st?.isSymbolicLink()) {
    let to = '?';
    try {
      to = fs.readlinkSync(file);
    } catch {
      // unreadable link: named without its target
    }
    throw new Error(
      `${fn}: ${file} is a symbolic link (to '${to}'); only regular files inside the folder are read or written, refused`,
    );
  }
}

/**
 * The path of `name`, a file name read from metadata (a config's
 * `tokenizer`, a manifest's path), inside the folder `root`, or an Error line
 * naming it: absolute paths, `..` escapes and links (of the file or a folder
 * on its way) that resolve outside `root` are refused. A file that does not
 * exist is returned as its path (the caller decides what a missing file means).
 */
export function confinedPath(fn: string, root: string, name: unknown): string {
  if (typeof name !== 'string' || name === '' || name.includes('\0')) {
    throw new Error(`${fn}: the path must be a non-empty file name, got ${JSON.stringify(name)}`);
  }
  const full = path.resolve(root, name);
  if (path.isAbsolute(name) || path.win32.isAbsolute(name) || !inside(path.resolve(root), full)) {
    throw new Error(
      `${fn}: '${name}' lies outside ${root}; only files inside that folder are read, refused`,
    );
  }
  let real: string;
  try {
    real = fs.realpathSync(full);
  } catch {
    return full; // missing
  }
  const realRoot = fs.realpathSync(root);
  if (!inside(realRoot, real) || fs.lstatSync(full).isSymbolicLink()) {
    throw new Error(
      `${fn}: '${String(name)}' is a symbolic link to '${real}'; only regular files inside ${root} are read, refused`,
    );
  }
  return full;
}

/** The `fs` calls {@link makeFolder} uses (replaceable in tests). */
export interface FolderFs {
  mkdirSync(p: string, o?: { recursive?: boolean }): unknown;
  existsSync(p: string): boolean;
}

/**
 * `mkdir -p dir`, with the true reason when it fails. Node's recursive mkdir
 * reports a folder it cannot create on a read-only file system as ENOENT
 * ("does not exist"): the missing folders are then created one by one, so
 * the error that surfaces is the real one (EROFS, EACCES, ENOTDIR) with the
 * path of the folder that could not be made.
 */
export function makeFolder(dir: string, io: FolderFs = fs): void {
  try {
    io.mkdirSync(dir, { recursive: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    const missing: string[] = [];
    for (let p = path.resolve(dir); !io.existsSync(p); p = path.dirname(p)) {
      missing.unshift(p);
      if (path.dirname(p) === p) break;
    }
    for (const m of missing) io.mkdirSync(m); // throws the real error
    throw e;
  }
}

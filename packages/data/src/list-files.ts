import * as fs from 'fs';
import * as path from 'path';

/** Options of {@link listFiles}. */
export type ListFilesOptions = {
  /**
   * Skip symbolic links (to files or folders) that resolve inside this
   * folder: what they point to is listed (or left out) on its own, so
   * following them would only repeat it. Links that resolve outside are
   * followed. Default: follow every link.
   */
  skipLinksInto?: string;
};

/**
 * Every regular file under `dir` (recursively, following symbolic links to
 * files and folders, skipping names that start with '.') whose extension is
 * in `extensions` (lower case, with the dot), as sorted absolute paths. Each
 * real file appears once, even when several links lead to it.
 */
export function listFiles(
  dir: string,
  extensions: readonly string[],
  options: ListFilesOptions = {},
): string[] {
  const out: string[] = [];
  const into = options.skipLinksInto ? fs.realpathSync(options.skipLinksInto) : null;
  walk(path.resolve(dir), extensions, out, new Set(), new Set(), into);
  return out;
}

/** Whether `p` is a symbolic link that resolves inside the real folder `root` (or is broken). */
export function linksInside(p: string, root: string): boolean {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(p);
  } catch {
    return false;
  }
  if (!st.isSymbolicLink()) return false;
  let real: string;
  try {
    real = fs.realpathSync(p);
  } catch {
    return true;
  }
  const rel = path.relative(root, real);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** The kind of a path: a file, a folder, or nothing usable. */
export function pathKind(p: string): 'file' | 'folder' | 'missing' {
  try {
    const st = fs.statSync(p);
    if (st.isDirectory()) return 'folder';
    if (st.isFile()) return 'file';
    return 'missing';
  } catch {
    return 'missing';
  }
}

/** Whether the file name has one of the (lower-case) extensions. */
export function hasExtension(file: string, extensions: readonly string[]): boolean {
  return extensions.includes(path.extname(file).toLowerCase());
}

function walk(
  dir: string,
  extensions: readonly string[],
  out: string[],
  seen: Set<string>,
  seenFiles: Set<string>,
  into: string | null,
): void {
  // Guard against symbolic-link cycles: visit each real folder once.
  const real = fs.realpathSync(dir);
  if (seen.has(real)) return;
  seen.add(real);
  const names = fs.readdirSync(dir).sort();
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const p = path.join(dir, name);
    if (into && linksInside(p, into)) continue;
    const kind = pathKind(p);
    if (kind === 'folder') walk(p, extensions, out, seen, seenFiles, into);
    else if (kind === 'file' && hasExtension(name, extensions)) {
      const real = fs.realpathSync(p);
      if (seenFiles.has(real)) continue;
      seenFiles.add(real);
      out.push(p);
    }
  }
}

import * as fs from 'fs';
import * as path from 'path';

/**
 * Every regular file under `dir` (recursively, following symbolic links to
 * files and folders, skipping names that start with '.') whose extension is
 * in `extensions` (lower case, with the dot), as sorted absolute paths.
 */
export function listFiles(dir: string, extensions: readonly string[]): string[] {
  const out: string[] = [];
  walk(path.resolve(dir), extensions, out, new Set());
  return out;
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

function walk(dir: string, extensions: readonly string[], out: string[], seen: Set<string>): void {
  // Guard against symbolic-link cycles: visit each real folder once.
  const real = fs.realpathSync(dir);
  if (seen.has(real)) return;
  seen.add(real);
  const names = fs.readdirSync(dir).sort();
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const p = path.join(dir, name);
    const kind = pathKind(p);
    if (kind === 'folder') walk(p, extensions, out, seen);
    else if (kind === 'file' && hasExtension(name, extensions)) out.push(p);
  }
}

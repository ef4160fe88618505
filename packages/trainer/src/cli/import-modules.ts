// `ssl pretrain --import FILE`: modules loaded before the arguments are read,
// so that a method they register (registerMethod) is a valid --method.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from './command-line';

// a real dynamic import (the CommonJS build would otherwise turn it into require)
const importModule = new Function('u', 'return import(u)') as (u: string) => Promise<unknown>;

/** Splits every `--import FILE` (or `--import=FILE`) off `argv`. */
export function splitImports(argv: readonly string[]): { rest: string[]; files: string[] } {
  const rest: string[] = [];
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--import') {
      const f = argv[i + 1];
      if (f === undefined || f.startsWith('--')) throw new UsageError('ssl: --import needs a file');
      files.push(f);
      i++;
    } else if (argv[i].startsWith('--import=')) files.push(argv[i].slice(9));
    else rest.push(argv[i]);
  }
  return { rest, files };
}

/** Imports each file (ES module or CommonJS), in order; refuses one that is missing, naming the flag. */
export async function importModules(files: readonly string[]): Promise<void> {
  for (const f of files) {
    const abs = path.resolve(f);
    if (!existsSync(abs)) throw new UsageError(`ssl: --import '${f}' does not exist`);
    try {
      await importModule(pathToFileURL(abs).href);
    } catch (e) {
      throw new UsageError(`ssl: --import '${f}' failed: ${(e as Error).message.split('\n')[0]}`);
    }
  }
}

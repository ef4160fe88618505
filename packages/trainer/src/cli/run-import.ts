import { existsSync, lstatSync, readdirSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../io/atomic';
import { saveModel } from '../io/model-io';
import { readExport } from '../export/files';
import type { ImportArgs } from './export-args';

/**
 * `ssl import`: turns a safetensors file (from `ssl export` or `ssl_torch`)
 * into a tfjs Layers model folder DIR (`model.json` + `weights.bin`, written
 * atomically) that `ssl eval`, the browser page and `tf.loadLayersModel` read;
 * a tokenizer beside the file is copied to DIR/tokenizer.json.
 */
export async function runImport(a: ImportArgs, print: (line: string) => void): Promise<number> {
  if (existsSync(a.out) && !a.force) {
    throw new Error(`ssl import: '${a.out}' exists; pass --force to replace it`);
  }
  if (existsSync(a.out)) checkReplaceable(a.out);
  const { model, tokenizerFile } = await readExport(a.from, { model: a.model });
  try {
    await saveModel(model, a.out);
  } finally {
    model.dispose();
  }
  print(`wrote ${a.out} (${a.model} of ${a.from})`);
  if (tokenizerFile) {
    await writeFileAtomic(path.join(a.out, 'tokenizer.json'), await fs.readFile(tokenizerFile));
    print(`copied ${tokenizerFile} to ${path.join(a.out, 'tokenizer.json')}`);
  }
  return 0;
}

/** What `ssl import` writes into its folder: all that `--force` may replace. */
const IMPORT_FILES = ['model.json', 'weights.bin', 'tokenizer.json'];

/**
 * `--force` replaces a model folder, and only that: a file, a link, or a
 * folder holding anything but a model's files (another run, notes, an empty
 * folder without model.json) is refused, so its contents are never deleted.
 */
function checkReplaceable(out: string): void {
  const st = lstatSync(out);
  if (!st.isDirectory()) {
    throw new Error(
      `ssl import: --out '${out}' is ${st.isSymbolicLink() ? 'a symbolic link' : 'a file'}, not a model folder; refused`,
    );
  }
  const names = readdirSync(out);
  const other = names.filter((n) => !IMPORT_FILES.includes(n)).sort();
  if (!names.includes('model.json') || other.length > 0) {
    const what =
      other.length > 0
        ? `holds ${other.slice(0, 3).join(', ')}${other.length > 3 ? `, ... (${other.length})` : ''}, not only a model`
        : 'holds no model (no model.json)';
    throw new Error(
      `ssl import: --out '${out}' ${what}; --force replaces only a model folder (${IMPORT_FILES.join(', ')}), refused`,
    );
  }
}

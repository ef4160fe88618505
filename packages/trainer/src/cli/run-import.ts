import { existsSync, promises as fs } from 'node:fs';
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

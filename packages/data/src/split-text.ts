/** How a document is cut into dataset elements. */
export type TextSplit = 'lines' | 'paragraphs' | 'documents';

/** Options of {@link splitText}. */
export type SplitTextOptions = {
  /**
   * `'lines'`: one element per line; `'paragraphs'`: text between blank lines,
   * its line breaks joined by single spaces; `'documents'`: the whole text.
   * Default `'documents'`.
   */
  split?: TextSplit;
  /** Drop pieces shorter than this many characters (after trimming). Default `1` (drops empty pieces). */
  minLength?: number;
};

const SPLITS: readonly TextSplit[] = ['lines', 'paragraphs', 'documents'];

/**
 * Cuts a text into trimmed pieces by lines, paragraphs or as one document,
 * keeping the pieces with at least `minLength` characters. `\r\n` and `\n`
 * line ends are both understood.
 *
 * @example
 * ```ts
 * splitText('a b\n\nc\nd', { split: 'paragraphs' }); // ['a b', 'c d']
 * ```
 */
export function splitText(
  text: string,
  { split = 'documents', minLength = 1 }: SplitTextOptions = {},
): string[] {
  checkSplitTextOptions('splitText', { split, minLength });
  if (typeof text !== 'string') {
    throw new Error(`splitText: text must be a string, got ${typeof text}`);
  }
  let pieces: string[];
  if (split === 'lines') pieces = text.split(/\r?\n/);
  else if (split === 'paragraphs') {
    pieces = text.split(/\n\s*\n/).map((p) => p.replace(/\s*\n\s*/g, ' '));
  } else pieces = [text];
  return pieces.map((p) => p.trim()).filter((p) => p.length >= minLength);
}

/** Checks `split` and `minLength`, naming the calling function in the error. */
export function checkSplitTextOptions(fn: string, { split, minLength }: SplitTextOptions): void {
  if (split !== undefined && !SPLITS.includes(split)) {
    throw new Error(
      `${fn}: split must be one of ${SPLITS.map((s) => `'${s}'`).join(', ')}, got ${JSON.stringify(split)}`,
    );
  }
  if (minLength !== undefined && (!Number.isInteger(minLength) || minLength < 0)) {
    throw new Error(`${fn}: minLength must be a non-negative integer, got ${String(minLength)}`);
  }
}

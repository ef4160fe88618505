// Checks that a file's bytes are text before any of it is split or
// tokenized: cheap (one pass over the bytes), so a binary file or a
// many-megabyte single line is refused in milliseconds, naming the file.

/** Longest line (bytes between two line feeds) accepted by default: 1,000,000 bytes. */
export const DEFAULT_MAX_LINE_BYTES = 1_000_000;

/**
 * The text of a file's bytes, checked: refused with one line naming the file
 * when it holds a NUL byte (a binary file: text never does), a line longer
 * than `maxLineBytes` (a minified or binary blob, or a file that would give
 * one giant piece to split and tokenize), or bytes that are not valid UTF-8.
 * A leading byte-order mark is dropped. The byte checks run before decoding.
 */
export function decodeTextFile(
  caller: string,
  file: string,
  bytes: Uint8Array,
  maxLineBytes: number = DEFAULT_MAX_LINE_BYTES,
): string {
  let lineStart = 0;
  let line = 1;
  for (let i = 0; i <= bytes.length; i++) {
    const b = i < bytes.length ? bytes[i] : 0x0a;
    if (b === 0) {
      throw new Error(
        `${caller}: '${file}' is not a text file: it holds a NUL byte (at byte ${i}); give UTF-8 text files`,
      );
    }
    if (b !== 0x0a) continue;
    if (i - lineStart > maxLineBytes) {
      throw new Error(
        `${caller}: '${file}' has a line of ${i - lineStart} bytes (line ${line}), over the limit of ${maxLineBytes} (maxLineBytes); is it text? Raise maxLineBytes to read it`,
      );
    }
    lineStart = i + 1;
    line++;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new Error(
      `${caller}: '${file}' is not a text file: its bytes are not valid UTF-8; give UTF-8 text files`,
    );
  }
}

/** Checks a `maxLineBytes` option: an integer >= 1. */
export function checkMaxLineBytes(caller: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new Error(`${caller}: maxLineBytes must be an integer >= 1, got ${String(value)}`);
  }
  return value;
}

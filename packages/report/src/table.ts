/** Column alignment of a {@link markdownTable}. */
export type Align = 'left' | 'right';

/**
 * A GitHub-flavoured Markdown table. `align` gives each column's alignment
 * (default: the first column left, the others right, as numbers read best).
 * A `|` inside a cell is escaped.
 *
 * @example
 * ```ts
 * markdownTable(['method', '1 label'], [['SimCLR', '85.3 ± 1.2']]);
 * // | method | 1 label |
 * // |---|---:|
 * // | SimCLR | 85.3 ± 1.2 |
 * ```
 */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly Align[] = header.map((_, i) => (i === 0 ? 'left' : 'right')),
): string {
  const bad = rows.findIndex((r) => r.length !== header.length);
  if (bad >= 0) {
    throw new Error(
      `markdownTable: row ${bad} has ${rows[bad].length} cells, the header has ${header.length}`,
    );
  }
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  const rule = `|${align.map((a) => (a === 'right' ? '---:' : '---')).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

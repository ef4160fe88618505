import { markdownTable } from './table';

describe('markdownTable', () => {
  it('writes a header, an alignment rule and one line per row', () => {
    expect(markdownTable(['method', '1 label', '10 labels'], [['a|b', '1', '2']])).toBe(
      ['| method | 1 label | 10 labels |', '|---|---:|---:|', '| a\\|b | 1 | 2 |'].join('\n'),
    );
    expect(markdownTable(['x', 'y'], [], ['left', 'left'])).toBe('| x | y |\n|---|---|');
  });

  it('refuses a row of the wrong width, naming it', () => {
    expect(() => markdownTable(['x', 'y'], [['1', '2'], ['3']])).toThrow(
      'markdownTable: row 1 has 1 cells, the header has 2',
    );
  });
});

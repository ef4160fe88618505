import { splitText } from './split-text';

const text = 'First line.\r\n  Second line  \n\n\nThird\nparagraph here.\n   \nx\n';

describe('splitText', () => {
  it('cuts by lines, trimming and dropping empty lines', () => {
    expect(splitText(text, { split: 'lines' })).toEqual([
      'First line.',
      'Second line',
      'Third',
      'paragraph here.',
      'x',
    ]);
  });

  it('cuts by paragraphs (blank lines), joining their lines with spaces', () => {
    expect(splitText(text, { split: 'paragraphs' })).toEqual([
      'First line. Second line',
      'Third paragraph here.',
      'x',
    ]);
  });

  it('keeps the whole document by default, trimmed', () => {
    expect(splitText('  a\nb  ')).toEqual(['a\nb']);
    expect(splitText('   ')).toEqual([]);
  });

  it('drops pieces shorter than minLength', () => {
    expect(splitText(text, { split: 'lines', minLength: 6 })).toEqual([
      'First line.',
      'Second line',
      'paragraph here.',
    ]);
  });

  it('refuses bad options, naming them', () => {
    expect(() => splitText(text, { split: 'words' as 'lines' })).toThrow(
      `splitText: split must be one of 'lines', 'paragraphs', 'documents', got "words"`,
    );
    expect(() => splitText(text, { minLength: -1 })).toThrow(
      'splitText: minLength must be a non-negative integer, got -1',
    );
    expect(() => splitText(3 as unknown as string)).toThrow(
      'splitText: text must be a string, got number',
    );
  });
});

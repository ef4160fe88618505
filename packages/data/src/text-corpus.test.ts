import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { describeBackends } from '@ssl/test-utils';
import { textCorpus, type TextElement } from './text-corpus';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ssl-data-text-'));
  fs.writeFileSync(path.join(tmp, 'a.txt'), 'alpha one\nalpha two\n\nalpha three\n');
  fs.mkdirSync(path.join(tmp, 'sub'));
  fs.writeFileSync(path.join(tmp, 'sub', 'b.txt'), 'beta\r\n');
  fs.writeFileSync(path.join(tmp, 'sub', 'skip.bin'), 'not text');
  fs.writeFileSync(path.join(tmp, 'blank.txt'), '\n  \n');
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function all(ds: { toArray(): Promise<TextElement[]> }): Promise<TextElement[]> {
  return ds.toArray();
}

describe('textCorpus', () => {
  it('reads a folder recursively (sorted, .txt only) by lines, paragraphs or documents', async () => {
    const lines = textCorpus(tmp, { split: 'lines' });
    expect(lines.files.map((f) => path.relative(tmp, f))).toEqual([
      'a.txt',
      'blank.txt',
      path.join('sub', 'b.txt'),
    ]);
    expect(await all(lines)).toEqual([
      { text: 'alpha one' },
      { text: 'alpha two' },
      { text: 'alpha three' },
      { text: 'beta' },
    ]);
    expect(await all(textCorpus(tmp, { split: 'paragraphs' }))).toEqual([
      { text: 'alpha one alpha two' },
      { text: 'alpha three' },
      { text: 'beta' },
    ]);
    expect((await all(textCorpus(path.join(tmp, 'a.txt')))).map((e) => e.text)).toEqual([
      'alpha one\nalpha two\n\nalpha three',
    ]);
    expect(
      await all(
        textCorpus([path.join(tmp, 'sub', 'b.txt'), path.join(tmp, 'a.txt')], {
          split: 'lines',
          minLength: 5,
        }),
      ),
    ).toEqual([{ text: 'alpha one' }, { text: 'alpha two' }, { text: 'alpha three' }]);
  });

  it('streams the bundled corpora; spam-assassin pieces carry spam/ham labels', async () => {
    const moby = await textCorpus('moby-dick', { split: 'lines', minLength: 20 }).take(5).toArray();
    expect(moby).toHaveLength(5);
    expect(moby.every((e) => e.text.length >= 20 && e.label === undefined)).toBe(true);
    const sotu = textCorpus('sotu');
    expect((await sotu.take(1).toArray())[0].text).toMatch(/^Fellow-Citizens/);
    const labels = new Map<string, number>();
    await textCorpus('spam-assassin').forEachAsync((e) =>
      labels.set(e.label ?? 'none', (labels.get(e.label ?? 'none') ?? 0) + 1),
    );
    expect(Object.fromEntries(labels)).toEqual({ ham: 4150, spam: 1896 });
  });

  it('refuses an empty corpus, an unknown source and bad options with clear errors', () => {
    expect(() => textCorpus(path.join(tmp, 'blank.txt'), { split: 'lines' })).toThrow(
      /^textCorpus: the corpus is empty: no piece of at least 1 character\(s\) with split 'lines' in ".*blank\.txt" \(1 file\(s\) read\)$/,
    );
    expect(() => textCorpus(tmp, { minLength: 1000 })).toThrow(/textCorpus: the corpus is empty/);
    expect(() => textCorpus(path.join(tmp, 'nope'))).toThrow(
      `textCorpus: source '${path.join(tmp, 'nope')}' is neither a file, a folder, nor one of 'sotu', 'moby-dick', 'spam-assassin'`,
    );
    expect(() => textCorpus(path.join(tmp, 'sub'), { extensions: ['.md'] })).toThrow(
      /textCorpus: no files with extension \.md in folder/,
    );
    expect(() => textCorpus([])).toThrow(/textCorpus: source must be a path, a corpus name/);
    expect(() => textCorpus(tmp, { split: 'sentences' as 'lines' })).toThrow(
      `textCorpus: split must be one of 'lines', 'paragraphs', 'documents', got "sentences"`,
    );
  });
});

describe('textCorpus: files that are not text', () => {
  let bad: string;
  beforeAll(() => (bad = fs.mkdtempSync(path.join(os.tmpdir(), 'ssl-data-bad-text-'))));
  afterAll(() => fs.rmSync(bad, { recursive: true, force: true }));
  const write = (name: string, data: string | Uint8Array) => {
    const file = path.join(bad, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, data);
    return file;
  };

  it('refuses a binary file (a NUL byte) and bytes that are not UTF-8, naming the file', () => {
    const bin = write(
      'model.bin.txt',
      Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x41]),
    );
    expect(() => textCorpus(bin)).toThrow(
      `textCorpus: '${bin}' is not a text file: it holds a NUL byte (at byte 6); give UTF-8 text files`,
    );
    const latin1 = write('latin1.txt', Uint8Array.from([0x63, 0x61, 0x66, 0xe9, 0x0a])); // 'café' in Latin-1
    expect(() => textCorpus(latin1)).toThrow(
      `textCorpus: '${latin1}' is not a text file: its bytes are not valid UTF-8; give UTF-8 text files`,
    );
    // the same word in UTF-8 (with a byte-order mark, dropped) is read
    const utf8 = write(
      'utf8.txt',
      Uint8Array.from([0xef, 0xbb, 0xbf, 0x63, 0x61, 0x66, 0xc3, 0xa9]),
    );
    expect(textCorpus(utf8)).toBeDefined();
  });

  it('refuses a file with a line over maxLineBytes before splitting it, quickly', async () => {
    const long = write('one-line.txt', 'word '.repeat(240_000)); // 1.2 MB, one line
    const started = Date.now();
    expect(() => textCorpus(long)).toThrow(
      `textCorpus: '${long}' has a line of 1200000 bytes (line 1), over the limit of 1000000 (maxLineBytes); is it text? Raise maxLineBytes to read it`,
    );
    expect(Date.now() - started).toBeLessThan(2000);
    const lines = write('lines.txt', 'short\n' + 'x'.repeat(30) + '\nok\n');
    expect(() => textCorpus(lines, { maxLineBytes: 20 })).toThrow(
      'has a line of 30 bytes (line 2), over the limit of 20 (maxLineBytes)',
    );
    expect((await textCorpus(lines, { maxLineBytes: 30, split: 'lines' }).toArray()).length).toBe(
      3,
    );
    expect(() => textCorpus(lines, { maxLineBytes: 0 })).toThrow(
      'textCorpus: maxLineBytes must be an integer >= 1, got 0',
    );
  });

  it('refuses a bad file met later, while streaming, naming it', async () => {
    const dir = path.join(bad, 'later');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'a.txt'), 'fine text\n');
    fs.writeFileSync(path.join(dir, 'b.txt'), Uint8Array.from([0x41, 0x00, 0x42]));
    const ds = textCorpus(dir);
    await expect(ds.toArray()).rejects.toThrow(
      `textCorpus: '${path.join(dir, 'b.txt')}' is not a text file: it holds a NUL byte (at byte 1)`,
    );
  });
});

describeBackends('textCorpus batching', () => {
  it('batches strings with the standard Dataset methods, leaking nothing', async () => {
    const before = tf.memory().numTensors;
    const batches: number[] = [];
    await textCorpus(tmp, { split: 'lines' })
      .map((e) => e.text)
      .batch(3)
      .forEachAsync((b) => {
        batches.push((b as unknown as tf.Tensor).shape[0]);
        (b as unknown as tf.Tensor).dispose();
      });
    expect(batches).toEqual([3, 1]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WordPieceTokenizer } from './tokenizer';
import type { TokenizerJson } from './tokenizer-json';
import { loadTokenizer } from './node';

const base = () =>
  WordPieceTokenizer.fromVocab([
    '[PAD]',
    '[UNK]',
    '[CLS]',
    '[SEP]',
    '[MASK]',
    'hello',
    'world',
  ]).toJSON();
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Edit = (j: any) => void;

describe('tokenizer.json validation', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ssl-tok-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cases: [string, Edit, RegExp][] = [
    [
      'a negative id',
      (j) => (j.model.vocab.hello = -7),
      /model\.vocab id of "hello" must be an integer in \[0, 7\) \(the vocabulary size\), got -7/,
    ],
    [
      'a string id',
      (j) => (j.model.vocab.hello = '5'),
      /id of "hello" must be an integer .* got "5"/,
    ],
    ['a fractional id', (j) => (j.model.vocab.hello = 2.5), /got 2\.5/],
    ['an id past the size', (j) => (j.model.vocab.hello = 7), /in \[0, 7\) .* got 7/],
    [
      "[MASK] sharing [PAD]'s id",
      (j) => (j.model.vocab['[MASK]'] = 0),
      /gives "\[PAD\]" and "\[MASK\]" the same id 0/,
    ],
    [
      'unk_token not in the vocab',
      (j) => (j.model.unk_token = '<unk>'),
      /model\.unk_token must be a token of the vocabulary, got "<unk>"/,
    ],
    ['no decoder', (j) => delete j.decoder, /has no "decoder" section/],
    [
      'a normalizer string',
      (j) => (j.normalizer = 'x'),
      /"normalizer" must be null or an object with a string "type", got "x"/,
    ],
    [
      'an unknown normalizer',
      (j) => (j.normalizer = { type: 'Nope' }),
      /cannot build the tokenizer: Unknown Normalizer type: Nope/,
    ],
    ['added_tokens "x"', (j) => (j.added_tokens = 'x'), /"added_tokens" must be a list, got "x"/],
    [
      'an added token of another id',
      (j) => (j.added_tokens[0].id = 3),
      /added_tokens\[0\] gives "\[PAD\]" id 3, the vocabulary 0/,
    ],
  ];

  it.each(cases)(
    '%s: refused in one line naming the function (and the file)',
    async (_name, edit, message) => {
      const json = base() as TokenizerJson;
      edit(json);
      const direct = (() => {
        try {
          WordPieceTokenizer.fromJSON(json);
        } catch (e) {
          return (e as Error).message;
        }
        return 'accepted';
      })();
      expect(direct.startsWith('WordPieceTokenizer.fromJSON: ')).toBe(true);
      expect(direct).toMatch(message);
      const file = path.join(dir, `${_name.replace(/\W+/g, '-')}.json`);
      writeFileSync(file, JSON.stringify(json));
      const err = await loadTokenizer(file).catch((e: Error) => e);
      expect((err as Error).message.startsWith(`loadTokenizer: ${file}: `)).toBe(true);
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).not.toMatch(/\n/);
    },
  );

  it('a valid file still loads and encodes', async () => {
    const file = path.join(dir, 'ok.json');
    writeFileSync(file, JSON.stringify(base()));
    const tok = await loadTokenizer(file);
    expect(tok.encode('hello world').ids).toEqual([2, 5, 6, 3]);
    expect(tok.vocabSize).toBe(7);
  });
});

import { WordPieceTokenizer } from './tokenizer';
import { trainWordPieceVocab } from './train-wordpiece';
import { SMALL_VOCAB } from './test-helpers';

const tok = WordPieceTokenizer.fromVocab(SMALL_VOCAB);
const id = (t: string) => SMALL_VOCAB.indexOf(t);

describe('WordPieceTokenizer: known splits (hand-derived from SMALL_VOCAB)', () => {
  it('splits greedily, longest match first, with ## continuations', () => {
    expect(tok.tokenize('unaffable')).toEqual(['un', '##aff', '##able']);
    expect(tok.tokenize('UnAffable, wanted!')).toEqual([
      'un',
      '##aff',
      '##able',
      ',',
      'want',
      '##ed',
      '!',
    ]);
    expect(tok.tokenize('running')).toEqual(['runn', '##ing']);
  });

  it('maps unknown words and characters to [UNK]; strips accents when lowercasing', () => {
    expect(tok.tokenize('hello xyz ü')).toEqual(['hello', '[UNK]', '[UNK]']);
    expect(tok.tokenize('héllo')).toEqual(['hello']);
  });

  it('adds [CLS]/[SEP], pads to maxLength with an attention mask', () => {
    const e = tok.encode('unaffable', { maxLength: 7, padding: 'max_length' });
    expect(e.ids).toEqual([2, 5, 6, 7, 3, 0, 0]);
    expect(e.attentionMask).toEqual([1, 1, 1, 1, 1, 0, 0]);
    expect(tok.encode('hello', { addSpecialTokens: false }).ids).toEqual([id('hello')]);
  });

  it('truncates a text longer than maxLength, warning once', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const t = WordPieceTokenizer.fromVocab(SMALL_VOCAB);
    const a = t.encode('the cat the cat the cat', { maxLength: 5 });
    const b = t.encode('hello hello hello hello', { maxLength: 5 });
    expect(a.ids).toEqual([2, id('the'), id('cat'), id('the'), 3]);
    expect(b.ids).toEqual([2, id('hello'), id('hello'), id('hello'), 3]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/truncated to maxLength 5/);
    warn.mockRestore();
  });

  it('encodeBatch pads rows to max_length or to the longest', () => {
    const m = tok.encodeBatch(['hello', 'the cat'], { padding: 'longest' });
    expect(m.ids).toEqual([
      [2, id('hello'), 3, 0],
      [2, id('the'), id('cat'), 3],
    ]);
    expect(m.attentionMask).toEqual([
      [1, 1, 1, 0],
      [1, 1, 1, 1],
    ]);
    expect(
      tok
        .encodeBatch(['a', 'a a'], { maxLength: 6, padding: 'max_length' })
        .ids.map((r) => r.length),
    ).toEqual([6, 6]);
  });

  it('decode inverts encode for in-vocabulary text (normalized)', () => {
    expect(tok.decode(tok.encode('UnAffable, wanted!').ids)).toBe('unaffable, wanted!');
    expect(tok.decode(tok.encode('the cat', { maxLength: 8, padding: 'max_length' }).ids)).toBe(
      'the cat',
    );
    expect(tok.decode([2, id('cat'), 3], { skipSpecialTokens: false })).toBe('[CLS] cat [SEP]');
  });

  it('refuses bad arguments with clear errors', () => {
    expect(() => tok.encode('x', { padding: 'max_length' })).toThrow(
      /encode: padding 'max_length' needs maxLength/,
    );
    expect(() => tok.encode('x', { maxLength: 2 })).toThrow(
      /encode: maxLength must be an integer >= 3, got 2/,
    );
    expect(() => tok.decode([999])).toThrow(/decode: ids must be integers in \[0, 18\), got 999/);
  });
});

describe('WordPieceTokenizer.train / trainWordPieceVocab', () => {
  it('learns the hand-derived vocabulary of a tiny corpus', () => {
    // words: ab x3, ac x1 -> alphabet a, ##b, ##c; pairs (a,##b)=3, (a,##c)=1 < minFrequency 2
    expect(trainWordPieceVocab(['ab ab', 'AB ac'], { vocabSize: 100 })).toEqual([
      '[PAD]',
      '[UNK]',
      '[CLS]',
      '[SEP]',
      '[MASK]',
      'a',
      '##b',
      '##c',
      'ab',
    ]);
    // merges in frequency order: (l,##o)=5 -> lo; (lo,##w)=5 -> low; then (low,##e)=2 ...
    const v = trainWordPieceVocab(['low low low lower lower', 'x'], { vocabSize: 12 });
    expect(v.slice(5)).toEqual(['l', 'x', '##e', '##o', '##r', '##w', 'lo']);
    expect(trainWordPieceVocab(['low low low lower lower'], { vocabSize: 100 })).toContain('lower');
  });

  it('round-trips every training text and keeps the vocabulary size', () => {
    const corpus = [
      'The quick brown fox jumps over the lazy dog.',
      'A quick brown dog outpaces a lazy fox!',
      'Foxes and dogs, quick, brown, lazy.',
    ];
    const t = WordPieceTokenizer.train(corpus, { vocabSize: 60, minFrequency: 1 });
    expect(t.vocabSize).toBe(60);
    expect(t.specialTokenIds).toEqual([0, 1, 2, 3, 4]);
    for (const text of corpus) {
      expect(t.decode(t.encode(text).ids)).toBe(text.toLowerCase());
      expect(t.encode(text).ids).not.toContain(t.unkTokenId);
    }
    expect(t.tokenize('zebra')).toEqual(['[UNK]']); // 'z' is outside the learned alphabet
  });

  it('is deterministic and can keep case', () => {
    const c = ['Hello World hello world HELLO'];
    expect(trainWordPieceVocab(c, { vocabSize: 30 })).toEqual(
      trainWordPieceVocab(c, { vocabSize: 30 }),
    );
    const cased = WordPieceTokenizer.train(c, { vocabSize: 40, lowercase: false });
    expect(cased.decode(cased.encode('Hello World').ids)).toBe('Hello World');
  });

  it('refuses an empty corpus and a too-small vocabulary', () => {
    expect(() => WordPieceTokenizer.train([])).toThrow(/trainWordPieceVocab: corpus is empty/);
    expect(() => WordPieceTokenizer.train(['   ', '\n'])).toThrow(/corpus is empty/);
    expect(() => trainWordPieceVocab(['a'], { vocabSize: 5 })).toThrow(
      /vocabSize must be an integer > 5, got 5/,
    );
  });
});

describe('Hugging Face tokenizer.json', () => {
  it('saves and loads (round trip through JSON text)', () => {
    const t = WordPieceTokenizer.train(['the cat sat on the mat', 'the dog sat'], {
      vocabSize: 30,
    });
    const text = JSON.stringify(t.toJSON());
    const back = WordPieceTokenizer.fromJSON(text);
    expect(back.toJSON()).toEqual(t.toJSON());
    expect(back.encode('the cat sat', { maxLength: 8, padding: 'max_length' })).toEqual(
      t.encode('the cat sat', { maxLength: 8, padding: 'max_length' }),
    );
    const j = t.toJSON();
    expect(j.model.type).toBe('WordPiece');
    expect(j.normalizer?.type).toBe('BertNormalizer');
    expect(j.pre_tokenizer?.type).toBe('BertPreTokenizer');
    expect(j.post_processor?.type).toBe('TemplateProcessing');
  });

  it("loads a BERT-style file (bert-base-uncased's layout: BertProcessing, special ids 0/100-103)", () => {
    const vocab: Record<string, number> = { '[PAD]': 0 };
    for (let i = 1; i < 100; i++) vocab[`[unused${i - 1}]`] = i;
    Object.assign(vocab, {
      '[UNK]': 100,
      '[CLS]': 101,
      '[SEP]': 102,
      '[MASK]': 103,
      play: 104,
      '##ing': 105,
    });
    const added = (content: string, id: number) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    });
    const bert = {
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: [
        added('[PAD]', 0),
        added('[UNK]', 100),
        added('[CLS]', 101),
        added('[SEP]', 102),
        added('[MASK]', 103),
      ],
      normalizer: {
        type: 'BertNormalizer',
        clean_text: true,
        handle_chinese_chars: true,
        strip_accents: null,
        lowercase: true,
      },
      pre_tokenizer: { type: 'BertPreTokenizer' },
      post_processor: { type: 'BertProcessing', sep: ['[SEP]', 102], cls: ['[CLS]', 101] },
      decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
      model: {
        type: 'WordPiece',
        unk_token: '[UNK]',
        continuing_subword_prefix: '##',
        max_input_chars_per_word: 100,
        vocab,
      },
    };
    const t = WordPieceTokenizer.fromJSON(bert);
    expect([t.padTokenId, t.unkTokenId, t.clsTokenId, t.sepTokenId, t.maskTokenId]).toEqual([
      0, 100, 101, 102, 103,
    ]);
    expect(t.encode('Playing zz', { maxLength: 6, padding: 'max_length' }).ids).toEqual([
      101, 104, 105, 100, 102, 0,
    ]);
    expect(t.continuationTokenIds()).toEqual(new Set([105]));
    expect(t.decode([101, 104, 105, 102])).toBe('playing');
  });

  it('refuses another model type, bad JSON and a vocabulary without special tokens', () => {
    const bpe = { model: { type: 'BPE', vocab: { a: 0 }, merges: [] } };
    expect(() => WordPieceTokenizer.fromJSON(bpe)).toThrow(
      /fromJSON: only WordPiece tokenizers are supported \(BERT-style\), got model type "BPE"/,
    );
    expect(() => WordPieceTokenizer.fromJSON({ model: { type: 'Unigram', vocab: [] } })).toThrow(
      /"Unigram"/,
    );
    expect(() => WordPieceTokenizer.fromJSON('{oops')).toThrow(/fromJSON: json is not valid JSON/);
    expect(() =>
      WordPieceTokenizer.fromJSON({ model: { type: 'WordPiece', vocab: { a: 0 } } }),
    ).toThrow(/lacks the special token \[PAD\]/);
  });
});

describe('WordPieceTokenizer: a large vocabulary', () => {
  it('loads a vocabulary of 200,000 tokens (no argument spread over it) and encodes with it', () => {
    const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
    for (let i = vocab.length; i < 200_000; i++) vocab.push(`w${i}`);
    const big = WordPieceTokenizer.fromVocab(vocab);
    expect(big.vocabSize).toBe(200_000);
    expect(big.encode('w199999 w5', { addSpecialTokens: false }).ids).toEqual([199_999, 5]);
    // encodeBatch with 'longest' padding over more rows than a spread can take
    const texts = Array.from({ length: 130_000 }, (_, i) => (i === 7 ? 'w5 w6 w7' : ''));
    const enc = big.encodeBatch(texts, { padding: 'longest', addSpecialTokens: false });
    expect(enc.ids[0]).toEqual([0, 0, 0]);
    expect(enc.ids[7]).toEqual([5, 6, 7]);
  });
});

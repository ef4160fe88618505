import { Tokenizer } from '@huggingface/tokenizers';
import {
  buildTokenizerJson,
  CONTINUATION_PREFIX,
  SPECIAL_TOKENS,
  type TokenizerJson,
  validateTokenizerJson,
} from './tokenizer-json';
import { trainWordPieceVocab, type TrainWordPieceOptions } from './train-wordpiece';

/** Options of {@link WordPieceTokenizer.encode}. */
export interface EncodeOptions {
  /** Maximum length in tokens, [CLS] and [SEP] included. Default: none (no truncation, no padding to length). */
  maxLength?: number;
  /** 'max_length': pad with [PAD] up to `maxLength`; 'longest' (encodeBatch): up to the longest in the batch; false: no padding. Default false. */
  padding?: 'max_length' | 'longest' | false;
  /** Cut texts longer than `maxLength` (the first time with a console warning). Default true. */
  truncation?: boolean;
  /** Add [CLS] ... [SEP]. Default true. */
  addSpecialTokens?: boolean;
}

/** One encoded text: token ids and the attention mask (1 = real token, 0 = padding). */
export interface Encoded {
  ids: number[];
  attentionMask: number[];
}

/** A batch of encoded texts, one row per text. */
export interface EncodedBatch {
  ids: number[][];
  attentionMask: number[][];
}

/**
 * A BERT-style WordPiece tokenizer: train it on a corpus or load a Hugging Face
 * `tokenizer.json`, then encode (with truncation, padding and attention mask) and decode.
 *
 * Normalization (BertNormalizer), pre-tokenization (BertPreTokenizer), the greedy
 * longest-match-first WordPiece split, the post-processor and the decoder are those of
 * `@huggingface/tokenizers` (pure JS, runs in the browser); this class adds vocabulary
 * training, truncation/padding to a fixed length and the tokenizer.json writer.
 *
 * @example
 * const tok = WordPieceTokenizer.train(texts, { vocabSize: 4000 });
 * const { ids, attentionMask } = tok.encode('Hello world', { maxLength: 16, padding: 'max_length' });
 * tok.decode(ids); // 'hello world'
 */
export class WordPieceTokenizer {
  readonly padTokenId: number;
  readonly unkTokenId: number;
  readonly clsTokenId: number;
  readonly sepTokenId: number;
  readonly maskTokenId: number;
  readonly vocabSize: number;
  private readonly json: TokenizerJson;
  private readonly inner: Tokenizer;
  private readonly vocab: Record<string, number>;
  private readonly idToTokenMap: string[];
  private warnedTruncation = false;

  private constructor(json: TokenizerJson, fn = 'WordPieceTokenizer.fromJSON', source?: string) {
    const checked = validateTokenizerJson(json, fn, source);
    this.json = checked;
    this.vocab = checked.model.vocab;
    try {
      this.inner = new Tokenizer(checked, {});
    } catch (e) {
      throw new Error(
        `${source ? `${fn}: ${source}:` : `${fn}:`} cannot build the tokenizer: ${(e as Error).message}`,
      );
    }
    // a loop, not Math.max(...ids): a spread of >~120k arguments overflows the stack
    let maxId = -1;
    for (const id of Object.values(this.vocab)) if (id > maxId) maxId = id;
    this.vocabSize = maxId + 1;
    this.idToTokenMap = new Array<string>(this.vocabSize).fill(SPECIAL_TOKENS.unk);
    for (const [t, id] of Object.entries(this.vocab)) this.idToTokenMap[id] = t;
    this.padTokenId = this.vocab[SPECIAL_TOKENS.pad];
    this.unkTokenId = this.vocab[SPECIAL_TOKENS.unk];
    this.clsTokenId = this.vocab[SPECIAL_TOKENS.cls];
    this.sepTokenId = this.vocab[SPECIAL_TOKENS.sep];
    this.maskTokenId = this.vocab[SPECIAL_TOKENS.mask];
  }

  /** Learns a vocabulary from `corpus` (see {@link trainWordPieceVocab} for the options). */
  static train(corpus: Iterable<string>, opts: TrainWordPieceOptions = {}): WordPieceTokenizer {
    const vocab = trainWordPieceVocab(corpus, opts);
    return new WordPieceTokenizer(buildTokenizerJson(vocab, opts.lowercase ?? true));
  }

  /** Builds a tokenizer from a vocabulary list (id = index), e.g. a BERT `vocab.txt` split into lines. */
  static fromVocab(
    vocab: readonly string[],
    { lowercase = true }: { lowercase?: boolean } = {},
  ): WordPieceTokenizer {
    return new WordPieceTokenizer(buildTokenizerJson(vocab, lowercase));
  }

  /**
   * Loads a Hugging Face `tokenizer.json` (object or JSON text). Only model type
   * "WordPiece" is accepted; a BPE/Unigram file throws an error naming its type.
   * The file is validated first (see `validateTokenizerJson`): vocabulary ids,
   * special tokens, `unk_token`, `added_tokens` and the pipeline sections.
   */
  static fromJSON(
    json: string | object,
    /** For messages: the calling function and the file the JSON came from. */
    where: { fn?: string; source?: string } = {},
  ): WordPieceTokenizer {
    const fn = where.fn ?? 'WordPieceTokenizer.fromJSON';
    let obj: unknown = json;
    if (typeof json === 'string') {
      try {
        obj = JSON.parse(json);
      } catch (e) {
        throw new Error(
          `${fn}: ${where.source ? `${where.source}: ` : ''}json is not valid JSON (${(e as Error).message})`,
        );
      }
    }
    return new WordPieceTokenizer(structuredClone(obj) as TokenizerJson, fn, where.source);
  }

  /** The Hugging Face `tokenizer.json` object (a copy); `JSON.stringify` it to save. */
  toJSON(): TokenizerJson {
    return structuredClone(this.json);
  }

  /** Ids of [PAD] [UNK] [CLS] [SEP] [MASK]: positions never selected by `maskTokens`. */
  get specialTokenIds(): number[] {
    return [this.padTokenId, this.unkTokenId, this.clsTokenId, this.sepTokenId, this.maskTokenId];
  }

  /** Ids of the `##` continuation pieces: the word boundaries whole-word masking needs. */
  continuationTokenIds(): Set<number> {
    const out = new Set<number>();
    for (const [t, id] of Object.entries(this.vocab))
      if (t.startsWith(CONTINUATION_PREFIX)) out.add(id);
    return out;
  }

  tokenToId(token: string): number | undefined {
    return this.vocab[token];
  }

  idToToken(id: number): string | undefined {
    return id >= 0 && id < this.vocabSize ? this.idToTokenMap[id] : undefined;
  }

  /** The WordPiece tokens of `text` (no special tokens). */
  tokenize(text: string): string[] {
    return this.inner.tokenize(text);
  }

  /** Encodes one text; see {@link EncodeOptions} for truncation and padding. */
  encode(text: string, opts: EncodeOptions = {}): Encoded {
    if (typeof text !== 'string') {
      throw new Error(`WordPieceTokenizer.encode: text must be a string, got ${typeof text}`);
    }
    const { maxLength, padding = false, truncation = true, addSpecialTokens = true } = opts;
    if (
      maxLength !== undefined &&
      (!Number.isInteger(maxLength) || maxLength < (addSpecialTokens ? 3 : 1))
    ) {
      throw new Error(
        `WordPieceTokenizer.encode: maxLength must be an integer >= ${addSpecialTokens ? 3 : 1}, got ${maxLength}`,
      );
    }
    if (padding === 'max_length' && maxLength === undefined) {
      throw new Error(`WordPieceTokenizer.encode: padding 'max_length' needs maxLength`);
    }
    let ids = this.inner.encode(text, { add_special_tokens: false }).ids;
    const room = maxLength === undefined ? Infinity : maxLength - (addSpecialTokens ? 2 : 0);
    if (truncation && ids.length > room) {
      if (!this.warnedTruncation) {
        this.warnedTruncation = true;
        console.warn(
          `WordPieceTokenizer.encode: a text of ${ids.length + (addSpecialTokens ? 2 : 0)} tokens was ` +
            `truncated to maxLength ${maxLength} (this warning is shown once per tokenizer)`,
        );
      }
      ids = ids.slice(0, room);
    }
    if (addSpecialTokens) ids = [this.clsTokenId, ...ids, this.sepTokenId];
    const attentionMask = ids.map(() => 1);
    if (padding === 'max_length') return this.pad({ ids, attentionMask }, maxLength as number);
    return { ids, attentionMask };
  }

  /** Encodes several texts; with padding 'max_length' or 'longest' every row has the same length. */
  encodeBatch(texts: readonly string[], opts: EncodeOptions = {}): EncodedBatch {
    if (!Array.isArray(texts)) {
      throw new Error(
        `WordPieceTokenizer.encodeBatch: texts must be an array of strings, got ${typeof texts}`,
      );
    }
    const { padding = false } = opts;
    const rows = texts.map((t) =>
      this.encode(t, { ...opts, padding: padding === 'longest' ? false : padding }),
    );
    if (padding === 'longest') {
      const len = rows.reduce((m, r) => Math.max(m, r.ids.length), 0);
      for (let i = 0; i < rows.length; i++) rows[i] = this.pad(rows[i], len);
    }
    return { ids: rows.map((r) => r.ids), attentionMask: rows.map((r) => r.attentionMask) };
  }

  /** Turns ids back into text; by default special tokens ([CLS], [SEP], [PAD], [UNK], [MASK]) are left out. */
  decode(
    ids: readonly number[],
    { skipSpecialTokens = true }: { skipSpecialTokens?: boolean } = {},
  ): string {
    for (const id of ids) {
      if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) {
        throw new Error(
          `WordPieceTokenizer.decode: ids must be integers in [0, ${this.vocabSize}), got ${id}`,
        );
      }
    }
    return this.inner.decode([...ids], { skip_special_tokens: skipSpecialTokens });
  }

  private pad(e: Encoded, len: number): Encoded {
    const n = Math.max(0, len - e.ids.length);
    return {
      ids: [...e.ids, ...new Array<number>(n).fill(this.padTokenId)],
      attentionMask: [...e.attentionMask, ...new Array<number>(n).fill(0)],
    };
  }
}

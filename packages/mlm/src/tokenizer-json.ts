/**
 * The subset of the Hugging Face `tokenizer.json` format that a BERT-style
 * WordPiece tokenizer uses (https://huggingface.co/docs/tokenizers/api/tokenizer).
 * Unknown fields are kept as they are, so a real BERT file round-trips.
 */
export interface TokenizerJson {
  version?: string;
  truncation?: unknown;
  padding?: unknown;
  added_tokens?: AddedTokenJson[];
  normalizer?: { type: string; [k: string]: unknown } | null;
  pre_tokenizer?: { type: string; [k: string]: unknown } | null;
  post_processor?: { type: string; [k: string]: unknown } | null;
  decoder?: { type: string; [k: string]: unknown } | null;
  model: WordPieceModelJson | { type?: string; [k: string]: unknown };
  [k: string]: unknown;
}

export interface AddedTokenJson {
  id: number;
  content: string;
  single_word: boolean;
  lstrip: boolean;
  rstrip: boolean;
  normalized: boolean;
  special: boolean;
}

export interface WordPieceModelJson {
  type: 'WordPiece';
  unk_token: string;
  continuing_subword_prefix: string;
  max_input_chars_per_word: number;
  vocab: Record<string, number>;
}

/** The five BERT special tokens, in the order they take ids 0..4 in a trained vocabulary. */
export const SPECIAL_TOKENS = {
  pad: '[PAD]',
  unk: '[UNK]',
  cls: '[CLS]',
  sep: '[SEP]',
  mask: '[MASK]',
} as const;

export const DEFAULT_SPECIAL_TOKENS: readonly string[] = [
  SPECIAL_TOKENS.pad,
  SPECIAL_TOKENS.unk,
  SPECIAL_TOKENS.cls,
  SPECIAL_TOKENS.sep,
  SPECIAL_TOKENS.mask,
];

/** The continuation prefix of WordPiece sub-words ("un", "##aff", "##able"). */
export const CONTINUATION_PREFIX = '##';

/** The BertNormalizer settings for a vocabulary (lowercase also strips accents, as in BERT uncased). */
export function bertNormalizerJson(lowercase: boolean): NonNullable<TokenizerJson['normalizer']> {
  return {
    type: 'BertNormalizer',
    clean_text: true,
    handle_chinese_chars: true,
    strip_accents: null,
    lowercase,
  };
}

/**
 * Builds a complete `tokenizer.json` object for a WordPiece vocabulary: BertNormalizer,
 * BertPreTokenizer, TemplateProcessing `[CLS] $A [SEP]` (pair: `[CLS] $A [SEP] $B [SEP]`)
 * and the WordPiece decoder, i.e. what `BertTokenizerFast.save_pretrained` writes.
 */
export function buildTokenizerJson(vocab: readonly string[], lowercase: boolean): TokenizerJson {
  const ids: Record<string, number> = {};
  vocab.forEach((t, i) => (ids[t] = i));
  for (const t of DEFAULT_SPECIAL_TOKENS) {
    if (ids[t] === undefined) {
      throw new Error(`buildTokenizerJson: vocab must contain the special token ${t}`);
    }
  }
  const cls = ids[SPECIAL_TOKENS.cls];
  const sep = ids[SPECIAL_TOKENS.sep];
  const special = (id: string, typeId: number) => ({ SpecialToken: { id, type_id: typeId } });
  const seq = (id: 'A' | 'B', typeId: number) => ({ Sequence: { id, type_id: typeId } });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: DEFAULT_SPECIAL_TOKENS.map((content) => ({
      id: ids[content],
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: bertNormalizerJson(lowercase),
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [special('[CLS]', 0), seq('A', 0), special('[SEP]', 0)],
      pair: [
        special('[CLS]', 0),
        seq('A', 0),
        special('[SEP]', 0),
        seq('B', 1),
        special('[SEP]', 1),
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [cls], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [sep], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: CONTINUATION_PREFIX, cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: SPECIAL_TOKENS.unk,
      continuing_subword_prefix: CONTINUATION_PREFIX,
      max_input_chars_per_word: 100,
      vocab: ids,
    },
  };
}

/**
 * Checks that `json` is a WordPiece tokenizer.json this package can use, and returns
 * it typed. Throws a clear error for another model type (BPE, Unigram, WordLevel),
 * a missing vocabulary or missing special tokens.
 */
export function validateTokenizerJson(
  json: unknown,
  fn = 'WordPieceTokenizer.fromJSON',
): TokenizerJson & {
  model: WordPieceModelJson;
} {
  if (!json || typeof json !== 'object') {
    throw new Error(
      `${fn}: expected a tokenizer.json object, got ${json === null ? 'null' : typeof json}`,
    );
  }
  const model = (json as TokenizerJson).model as { type?: string; vocab?: unknown } | undefined;
  if (!model || typeof model !== 'object') {
    throw new Error(`${fn}: tokenizer.json has no "model" section`);
  }
  if (model.type !== 'WordPiece') {
    throw new Error(
      `${fn}: only WordPiece tokenizers are supported (BERT-style), got model type ` +
        `${JSON.stringify(model.type ?? null)}; BPE/Unigram/WordLevel tokenizer.json files cannot be used`,
    );
  }
  if (!model.vocab || typeof model.vocab !== 'object' || Array.isArray(model.vocab)) {
    throw new Error(`${fn}: tokenizer.json model.vocab must be an object {token: id}`);
  }
  const vocab = model.vocab as Record<string, number>;
  for (const t of DEFAULT_SPECIAL_TOKENS) {
    if (typeof vocab[t] !== 'number') {
      throw new Error(`${fn}: tokenizer.json vocabulary lacks the special token ${t}`);
    }
  }
  return json as TokenizerJson & { model: WordPieceModelJson };
}

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
 * it typed. Throws one line naming `fn` (and `source`, the file, when given) for
 * another model type (BPE, Unigram, WordLevel), a missing or malformed vocabulary
 * (ids must be distinct integers in [0, number of tokens)), missing or shared
 * special-token ids, an `unk_token` outside the vocabulary, a malformed
 * `added_tokens` list, or a `normalizer` / `pre_tokenizer` / `post_processor` /
 * `decoder` that is not an object with a string `type` (or null; `pre_tokenizer`
 * and `decoder` must be present).
 */
export function validateTokenizerJson(
  json: unknown,
  fn = 'WordPieceTokenizer.fromJSON',
  source?: string,
): TokenizerJson & {
  model: WordPieceModelJson;
} {
  const at = source ? `${fn}: ${source}:` : `${fn}:`;
  if (!json || typeof json !== 'object' || Array.isArray(json)) {
    throw new Error(
      `${at} expected a tokenizer.json object, got ${json === null ? 'null' : Array.isArray(json) ? 'an array' : typeof json}`,
    );
  }
  const j = json as TokenizerJson;
  const model = j.model as
    { type?: string; vocab?: unknown; unk_token?: unknown; [k: string]: unknown } | undefined;
  if (!model || typeof model !== 'object') {
    throw new Error(`${at} tokenizer.json has no "model" section`);
  }
  if (model.type !== 'WordPiece') {
    throw new Error(
      `${at} only WordPiece tokenizers are supported (BERT-style), got model type ` +
        `${JSON.stringify(model.type ?? null)}; BPE/Unigram/WordLevel tokenizer.json files cannot be used`,
    );
  }
  if (!model.vocab || typeof model.vocab !== 'object' || Array.isArray(model.vocab)) {
    throw new Error(`${at} tokenizer.json model.vocab must be an object {token: id}`);
  }
  const vocab = model.vocab as Record<string, unknown>;
  const entries = Object.entries(vocab);
  const owner = new Map<number, string>();
  for (const [token, id] of entries) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= entries.length) {
      throw new Error(
        `${at} model.vocab id of ${JSON.stringify(token)} must be an integer in [0, ${entries.length}) (the vocabulary size), got ${JSON.stringify(id)}`,
      );
    }
    const other = owner.get(id);
    if (other !== undefined) {
      throw new Error(
        `${at} model.vocab gives ${JSON.stringify(other)} and ${JSON.stringify(token)} the same id ${id}; ids must be distinct`,
      );
    }
    owner.set(id, token);
  }
  for (const t of DEFAULT_SPECIAL_TOKENS) {
    if (typeof vocab[t] !== 'number') {
      throw new Error(`${at} tokenizer.json vocabulary lacks the special token ${t}`);
    }
  }
  if (typeof model.unk_token !== 'string' || typeof vocab[model.unk_token] !== 'number') {
    throw new Error(
      `${at} model.unk_token must be a token of the vocabulary, got ${JSON.stringify(model.unk_token ?? null)}`,
    );
  }
  for (const key of ['continuing_subword_prefix'] as const) {
    if (model[key] !== undefined && typeof model[key] !== 'string') {
      throw new Error(`${at} model.${key} must be a string, got ${JSON.stringify(model[key])}`);
    }
  }
  const maxChars = model.max_input_chars_per_word;
  if (maxChars !== undefined && !(Number.isInteger(maxChars) && (maxChars as number) > 0)) {
    throw new Error(
      `${at} model.max_input_chars_per_word must be a positive integer, got ${JSON.stringify(maxChars)}`,
    );
  }
  checkAddedTokens(at, j.added_tokens, vocab);
  for (const key of ['normalizer', 'pre_tokenizer', 'post_processor', 'decoder'] as const) {
    const section = j[key];
    const required = key === 'pre_tokenizer' || key === 'decoder';
    if (section === undefined && required) {
      throw new Error(`${at} tokenizer.json has no "${key}" section (null or {"type": ...})`);
    }
    if (section === undefined || section === null) continue;
    if (typeof section !== 'object' || Array.isArray(section) || typeof section.type !== 'string') {
      throw new Error(
        `${at} "${key}" must be null or an object with a string "type", got ${JSON.stringify(section)}`,
      );
    }
  }
  return json as TokenizerJson & { model: WordPieceModelJson };
}

/** `added_tokens`: absent, or a list of `{ id, content }` consistent with the vocabulary. */
function checkAddedTokens(at: string, added: unknown, vocab: Record<string, unknown>): void {
  if (added === undefined || added === null) return;
  if (!Array.isArray(added)) {
    throw new Error(`${at} "added_tokens" must be a list, got ${JSON.stringify(added)}`);
  }
  added.forEach((t: unknown, i) => {
    const token = t as { id?: unknown; content?: unknown } | null;
    if (
      !token ||
      typeof token !== 'object' ||
      typeof token.content !== 'string' ||
      !Number.isInteger(token.id)
    ) {
      throw new Error(
        `${at} added_tokens[${i}] must be an object with an integer "id" and a string "content", got ${JSON.stringify(t)}`,
      );
    }
    if (vocab[token.content] !== undefined && vocab[token.content] !== token.id) {
      throw new Error(
        `${at} added_tokens[${i}] gives ${JSON.stringify(token.content)} id ${token.id}, the vocabulary ${vocab[token.content]}`,
      );
    }
  });
}

import { BertNormalizer, BertPreTokenizer } from '@huggingface/tokenizers';
import { bertNormalizerJson, CONTINUATION_PREFIX, DEFAULT_SPECIAL_TOKENS } from './tokenizer-json';

/** Options of {@link trainWordPieceVocab}. */
export interface TrainWordPieceOptions {
  /** Target vocabulary size, special tokens included. Default 8000. */
  vocabSize?: number;
  /** Lowercase and strip accents before splitting (BERT "uncased"). Default true. */
  lowercase?: boolean;
  /** A merge is learned only if the pair occurs at least this often. Default 2. */
  minFrequency?: number;
  /** Keep at most this many distinct characters (the most frequent); rarer ones become [UNK]. Default 1000. */
  limitAlphabet?: number;
  /** Called every 500 merges with (vocabulary size so far, target): long work shows progress. */
  onProgress?: (size: number, target: number) => void;
}

/**
 * Learns a WordPiece vocabulary from raw texts.
 *
 * Like the Hugging Face `WordPieceTrainer` (which delegates to its BPE trainer), the
 * texts are normalized with BertNormalizer and split with BertPreTokenizer, each word
 * starts as its characters (`u ##n ##a ...`), and the most frequent adjacent pair is
 * merged repeatedly (`##a + ##b -> ##ab`) until the vocabulary reaches `vocabSize` or
 * no pair occurs `minFrequency` times. Ties are broken by first appearance, so the
 * result is deterministic. Reference: Schuster & Nakajima 2012; Devlin et al. 2019.
 *
 * Returns the vocabulary, ids in order: `[PAD] [UNK] [CLS] [SEP] [MASK]`, the
 * alphabet (word-initial characters, then `##` characters), then the merges.
 *
 * @example
 * const vocab = trainWordPieceVocab(['the cat sat', 'the cats sat'], { vocabSize: 40 });
 */
export function trainWordPieceVocab(
  corpus: Iterable<string>,
  opts: TrainWordPieceOptions = {},
): string[] {
  const { vocabSize = 8000, lowercase = true, minFrequency = 2, limitAlphabet = 1000 } = opts;
  if (!Number.isInteger(vocabSize) || vocabSize <= DEFAULT_SPECIAL_TOKENS.length) {
    throw new Error(
      `trainWordPieceVocab: vocabSize must be an integer > ${DEFAULT_SPECIAL_TOKENS.length}, got ${vocabSize}`,
    );
  }
  const normalizer = new BertNormalizer(bertNormalizerJson(lowercase) as never);
  const preTokenizer = new BertPreTokenizer();

  // 1. Word frequencies.
  const wordFreq = new Map<string, number>();
  let texts = 0;
  for (const text of corpus) {
    if (typeof text !== 'string') {
      throw new Error(`trainWordPieceVocab: corpus must contain strings, got ${typeof text}`);
    }
    texts++;
    for (const w of preTokenizer.pre_tokenize_text(normalizer.normalize(text))) {
      wordFreq.set(w, (wordFreq.get(w) ?? 0) + 1);
    }
  }
  if (wordFreq.size === 0) {
    throw new Error(
      `trainWordPieceVocab: corpus is empty (${texts} texts, no words after normalization); ` +
        'pass at least one non-blank text',
    );
  }

  // 2. Alphabet: the `limitAlphabet` most frequent characters.
  const charFreq = new Map<string, number>();
  for (const [w, f] of wordFreq) for (const c of w) charFreq.set(c, (charFreq.get(c) ?? 0) + f);
  const alphabet = new Set(
    [...charFreq.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, limitAlphabet)
      .map(([c]) => c),
  );

  // 3. Symbols: a word is a list of symbol ids; word-initial characters, then ## characters.
  const symbols: string[] = [];
  const symbolId = new Map<string, number>();
  const intern = (s: string): number => {
    let id = symbolId.get(s);
    if (id === undefined) {
      id = symbols.length;
      symbols.push(s);
      symbolId.set(s, id);
    }
    return id;
  };
  const words: number[][] = [];
  const freqs: number[] = [];
  for (const [w, f] of wordFreq) {
    const chars = [...w];
    if (!chars.every((c) => alphabet.has(c))) continue; // encodes as [UNK] anyway
    words.push(chars.map((c, i) => intern(i === 0 ? c : CONTINUATION_PREFIX + c)));
    freqs.push(f);
  }
  const vocab: string[] = [...DEFAULT_SPECIAL_TOKENS];
  const inVocab = new Set(vocab);
  const initial = symbols.filter((s) => !s.startsWith(CONTINUATION_PREFIX)).sort();
  const continuation = symbols.filter((s) => s.startsWith(CONTINUATION_PREFIX)).sort();
  for (const s of [...initial, ...continuation]) {
    if (!inVocab.has(s)) {
      vocab.push(s);
      inVocab.add(s);
    }
  }

  // 4. Pair statistics, kept up to date incrementally; a lazy max-heap finds the best pair.
  const SHIFT = 2 ** 24; // symbol ids stay far below this
  const key = (a: number, b: number) => a * SHIFT + b;
  const pairCount = new Map<number, number>();
  const pairWords = new Map<number, Set<number>>();
  const heap = new PairHeap();
  const addPairs = (wi: number, sign: 1 | -1, touched: Set<number>) => {
    const s = words[wi];
    for (let i = 0; i + 1 < s.length; i++) {
      const k = key(s[i], s[i + 1]);
      pairCount.set(k, (pairCount.get(k) ?? 0) + sign * freqs[wi]);
      if (sign > 0) {
        let set = pairWords.get(k);
        if (!set) pairWords.set(k, (set = new Set()));
        set.add(wi);
      }
      touched.add(k);
    }
  };
  const init = new Set<number>();
  for (let wi = 0; wi < words.length; wi++) addPairs(wi, 1, init);
  for (const k of init) heap.push(pairCount.get(k) ?? 0, k);

  let merges = 0;
  while (vocab.length < vocabSize) {
    const top = heap.pop(pairCount);
    if (!top || top.count < minFrequency) break;
    const a = Math.floor(top.key / SHIFT);
    const b = top.key % SHIFT;
    const merged = symbols[a] + symbols[b].slice(CONTINUATION_PREFIX.length);
    const m = intern(merged);
    if (!inVocab.has(merged)) {
      vocab.push(merged);
      inVocab.add(merged);
    }
    const touched = new Set<number>();
    for (const wi of pairWords.get(top.key) ?? []) {
      const s = words[wi];
      addPairs(wi, -1, touched);
      const out: number[] = [];
      for (let i = 0; i < s.length; i++) {
        if (i + 1 < s.length && s[i] === a && s[i + 1] === b) {
          out.push(m);
          i++;
        } else out.push(s[i]);
      }
      words[wi] = out;
      addPairs(wi, 1, touched);
    }
    pairWords.delete(top.key);
    pairCount.delete(top.key);
    touched.delete(top.key);
    for (const k of touched) heap.push(pairCount.get(k) ?? 0, k);
    if (++merges % 500 === 0) opts.onProgress?.(vocab.length, vocabSize);
  }
  return vocab;
}

/** A max-heap of (count, pair key) with lazy deletion: stale entries are skipped on pop. */
class PairHeap {
  private counts: number[] = [];
  private keys: number[] = [];

  push(count: number, key: number): void {
    if (count <= 0) return;
    this.counts.push(count);
    this.keys.push(key);
    let i = this.counts.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  pop(current: Map<number, number>): { count: number; key: number } | undefined {
    while (this.counts.length > 0) {
      const count = this.counts[0];
      const key = this.keys[0];
      const lastC = this.counts.pop() as number;
      const lastK = this.keys.pop() as number;
      if (this.counts.length > 0) {
        this.counts[0] = lastC;
        this.keys[0] = lastK;
        this.siftDown(0);
      }
      if (current.get(key) === count) return { count, key };
    }
    return undefined;
  }

  // Higher count first; ties: smaller key (earlier symbols) first, for determinism.
  private before(i: number, j: number): boolean {
    return (
      this.counts[i] > this.counts[j] ||
      (this.counts[i] === this.counts[j] && this.keys[i] < this.keys[j])
    );
  }

  private siftDown(i: number): void {
    const n = this.counts.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < n && this.before(l, best)) best = l;
      if (r < n && this.before(r, best)) best = r;
      if (best === i) return;
      this.swap(i, best);
      i = best;
    }
  }

  private swap(i: number, j: number): void {
    [this.counts[i], this.counts[j]] = [this.counts[j], this.counts[i]];
    [this.keys[i], this.keys[j]] = [this.keys[j], this.keys[i]];
  }
}

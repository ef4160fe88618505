import * as tf from '@tensorflow/tfjs-core';
import { IGNORE_INDEX } from '@ssl/losses';
import { createRng } from '@ssl/augment';

/** Options of {@link maskTokens}. */
export interface MaskTokensOptions {
  /** Id of [MASK]. */
  maskTokenId: number;
  /** Vocabulary size: random replacements are drawn from [0, vocabSize) minus the special ids. */
  vocabSize: number;
  /** Ids that are never selected: [PAD] [CLS] [SEP] [UNK] [MASK] (include the padding id). */
  specialTokenIds: Iterable<number>;
  /** Probability that a non-special position (or word) is selected for prediction. Default 0.15. */
  maskProb?: number;
  /** Of the selected positions, the fraction replaced by [MASK]. Default 0.8. */
  replaceProb?: number;
  /** Of the selected positions, the fraction replaced by a random token (the rest stay). Default 0.1. */
  randomProb?: number;
  /** Seed: same seed and ids, same mask. Default: a fresh random seed. */
  seed?: number;
  /**
   * Whole-word masking: a word (a token plus the `##` continuation tokens after it) is
   * selected or not as a whole, with probability `maskProb`; the 80/10/10 replacement is
   * then drawn per token. Pass the tokenizer's `continuationTokenIds()`. Default: off.
   */
  wholeWordMask?: { continuationTokenIds: Iterable<number> };
}

/**
 * BERT's masking collator (Devlin et al. 2019, §3.1; Hugging Face
 * `DataCollatorForLanguageModeling`): each non-special position is selected with
 * probability `maskProb`; a selected position becomes [MASK] with probability
 * `replaceProb`, a random non-special token with probability `randomProb`, and stays
 * unchanged otherwise. `labels` hold the original id at selected positions and -100
 * everywhere else. Special and padding positions are never selected.
 *
 * The random draws are made in JS from a seeded generator (row-major order), so the
 * same seed gives the same mask on every backend.
 *
 * @example
 * const { inputIds, labels } = maskTokens(ids, {
 *   maskTokenId: tok.maskTokenId, vocabSize: tok.vocabSize,
 *   specialTokenIds: tok.specialTokenIds, seed: step,
 * });
 */
export function maskTokens(
  ids: tf.Tensor2D,
  opts: MaskTokensOptions,
): { inputIds: tf.Tensor2D; labels: tf.Tensor2D } {
  const fn = 'maskTokens';
  if (!(ids instanceof tf.Tensor) || ids.rank !== 2) {
    throw new Error(
      `${fn}: ids must be a 2-D tensor [B, T], got ${ids instanceof tf.Tensor ? `shape [${ids.shape}]` : typeof ids}`,
    );
  }
  if (ids.dtype !== 'int32') throw new Error(`${fn}: ids must be int32, got ${ids.dtype}`);
  if (!opts || typeof opts !== 'object') {
    throw new Error(`${fn}: opts must be an object, got ${opts === null ? 'null' : typeof opts}`);
  }
  const {
    maskTokenId,
    vocabSize,
    maskProb = 0.15,
    replaceProb = 0.8,
    randomProb = 0.1,
    seed = Math.floor(Math.random() * 0xffffffff),
  } = opts;
  if (!Number.isInteger(seed)) {
    throw new Error(`${fn}: seed must be an integer, got ${String(seed)}`);
  }
  const specialIds = integerList(fn, 'specialTokenIds', opts.specialTokenIds);
  if (opts.wholeWordMask !== undefined) {
    if (!opts.wholeWordMask || typeof opts.wholeWordMask !== 'object') {
      throw new Error(
        `${fn}: wholeWordMask must be { continuationTokenIds }, got ${JSON.stringify(opts.wholeWordMask)}`,
      );
    }
    integerList(fn, 'wholeWordMask.continuationTokenIds', opts.wholeWordMask.continuationTokenIds);
  }
  if (!Number.isInteger(vocabSize) || vocabSize < 1) {
    throw new Error(`${fn}: vocabSize must be a positive integer, got ${vocabSize}`);
  }
  if (!Number.isInteger(maskTokenId) || maskTokenId < 0 || maskTokenId >= vocabSize) {
    throw new Error(
      `${fn}: maskTokenId must be an integer in [0, ${vocabSize}), got ${maskTokenId}`,
    );
  }
  for (const [name, p] of [
    ['maskProb', maskProb],
    ['replaceProb', replaceProb],
    ['randomProb', randomProb],
  ] as const) {
    if (!(p >= 0 && p <= 1)) throw new Error(`${fn}: ${name} must be in [0, 1], got ${p}`);
  }
  if (replaceProb + randomProb > 1 + 1e-9) {
    throw new Error(
      `${fn}: replaceProb + randomProb must be <= 1, got ${replaceProb} + ${randomProb}`,
    );
  }
  const special = new Set(specialIds);
  special.add(maskTokenId);
  const candidates: number[] = [];
  for (let v = 0; v < vocabSize; v++) if (!special.has(v)) candidates.push(v);
  if (randomProb > 0 && candidates.length === 0) {
    throw new Error(`${fn}: randomProb > 0 but every id in [0, ${vocabSize}) is special`);
  }
  const continuation = opts.wholeWordMask
    ? new Set(opts.wholeWordMask.continuationTokenIds)
    : undefined;

  const [B, T] = ids.shape;
  const src = ids.dataSync();
  const out = Int32Array.from(src);
  const labels = new Int32Array(src.length).fill(IGNORE_INDEX);
  const rng = createRng(seed);
  for (let b = 0; b < B; b++) {
    let wordSelected = false;
    for (let t = 0; t < T; t++) {
      const i = b * T + t;
      const id = src[i];
      if (id < 0 || id >= vocabSize) {
        throw new Error(`${fn}: ids must lie in [0, ${vocabSize}), got ${id} at [${b}, ${t}]`);
      }
      if (special.has(id)) {
        wordSelected = false;
        continue;
      }
      let selected: boolean;
      if (continuation && continuation.has(id) && t > 0 && !special.has(src[i - 1])) {
        selected = wordSelected; // a ## piece follows its word's decision
      } else {
        selected = rng.next() < maskProb;
        wordSelected = selected;
      }
      if (!selected) continue;
      labels[i] = id;
      const u = rng.next();
      if (u < replaceProb) out[i] = maskTokenId;
      else if (u < replaceProb + randomProb) out[i] = candidates[rng.int(candidates.length)];
    }
  }
  return {
    inputIds: tf.tensor2d(out, [B, T], 'int32'),
    labels: tf.tensor2d(labels, [B, T], 'int32'),
  };
}

/** An iterable of integers as an array; one line naming the option otherwise. */
function integerList(fn: string, name: string, value: unknown): number[] {
  if (
    value === null ||
    value === undefined ||
    typeof (value as Iterable<unknown>)[Symbol.iterator] !== 'function' ||
    typeof value === 'string'
  ) {
    throw new Error(
      `${fn}: ${name} must be an iterable of integer ids (an array or a Set), got ${value === null ? 'null' : typeof value}`,
    );
  }
  const out = Array.from(value as Iterable<unknown>);
  const bad = out.find((v) => !Number.isInteger(v));
  if (bad !== undefined) {
    throw new Error(`${fn}: ${name} must hold integer ids, got ${JSON.stringify(bad)}`);
  }
  return out as number[];
}

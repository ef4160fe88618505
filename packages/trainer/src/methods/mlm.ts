import * as tf from '@tensorflow/tfjs-core';
import { dropoutRowSeeds, getTokenEmbedding, withDropoutSeeds } from '@ssl/encoders';
import { maskTokens, maskedPositions, MlmHead } from '@ssl/mlm';
import { defineMethod } from './define-method';
import type { Batch, Method } from './method';
import { headSeed } from './model-state';
import type { MethodEntry } from './method-entry';

/** What the MLM method needs from a tokenizer (a `WordPieceTokenizer` from @ssl/mlm has all of it). */
export interface MlmTokenInfo {
  vocabSize: number;
  padTokenId: number;
  maskTokenId: number;
  /** Ids never masked: [PAD] [UNK] [CLS] [SEP] [MASK]. */
  specialTokenIds: number[];
  /** Ids of `##` pieces; needed only for whole-word masking. */
  continuationTokenIds?(): Set<number>;
}

/** Options of {@link mlm}. */
export interface MlmOptions {
  /** The tokenizer the batches were encoded with (its special ids and vocabulary size). Required. */
  tokenizer: MlmTokenInfo;
  /** Probability that a token is selected for prediction. Default 0.15. */
  maskProb?: number;
  /** Of the selected tokens, fraction replaced by [MASK]. Default 0.8. */
  replaceProb?: number;
  /** Of the selected tokens, fraction replaced by a random token. Default 0.1. */
  randomProb?: number;
  /** Select whole words (a token and its `##` pieces) together. Default false. */
  wholeWordMask?: boolean;
}

/**
 * MLM's views: the masked ids, the batch's attention mask, the predicted
 * positions and their labels, and each row's dropout seed (int32 `[B]`, see
 * `withDropoutSeeds` of @ssl/encoders: a row keeps its dropout masks in any
 * worker's shard).
 */
export type MlmViews = {
  inputIds: tf.Tensor2D;
  attentionMask: tf.Tensor2D;
  positions: tf.Tensor1D;
  targets: tf.Tensor1D;
  rowSeeds: tf.Tensor1D;
};
/** MLM's outputs, one row per predicted token: its cross-entropy `nll` and `correct` (1 when argmax = label), `[M]`. */
export type MlmOutputs = { nll: tf.Tensor1D; correct: tf.Tensor1D };

const FN = 'mlm';

/** The token ids `[B, T]` and attention mask `[B, T]` of a batch. */
function tokenBatch(batch: Batch): { ids: tf.Tensor2D; mask: tf.Tensor2D } {
  const ids = batch.inputIds;
  const mask = batch.attentionMask;
  if (!ids || ids.rank !== 2) {
    throw new Error(
      `${FN}: a batch must hold token ids [B, T] as 'inputIds', got ${
        ids ? `shape [${ids.shape}]` : `fields [${Object.keys(batch)}]`
      }`,
    );
  }
  if (!mask || !tf.util.arraysEqual(mask.shape, ids.shape)) {
    throw new Error(
      `${FN}: a batch must hold 'attentionMask' [${ids.shape}] (1 = token, 0 = padding) beside 'inputIds', got ${
        mask ? `[${mask.shape}]` : 'none'
      }`,
    );
  }
  return { ids: ids as tf.Tensor2D, mask: mask as tf.Tensor2D };
}

/** The MLM method, plus its head (for held-out evaluation after pretraining). */
export type MlmMethod = Method<MlmViews, MlmOutputs> & {
  /** The tied MLM head built by `build()` (owned by the method: freed by its `dispose()`). */
  head(): MlmHead;
};

/**
 * Masked language modeling (BERT, Devlin et al. 2019) as a `pretrain()` method.
 * Each batch is `{ inputIds, attentionMask }` (`[B, T]` each, as
 * `tokenizer.encodeBatch` gives them). `prepare` (outside the tape) masks the
 * tokens with `maskTokens`, seeded from the run's generator, finds the
 * predicted positions and derives each row's dropout seed from the same draw
 * (dropout is seeded: same seed, same numbers, resumed or on any number of
 * workers); `forward` runs the encoder (a `transformerEncoder`)
 * and the tied {@link MlmHead} only at the predicted positions, giving each
 * predicted token's cross-entropy; `loss` is their mean over the batch.
 * Logged per step: `maskedAccuracy` and `perplexity` (exp of the step's loss).
 *
 * Defaults: maskProb 0.15, replaceProb 0.8, randomProb 0.1, no whole-word masking.
 *
 * @example
 * ```ts
 * const tok = WordPieceTokenizer.train(texts, { vocabSize: 8000 });
 * const enc = tok.encodeBatch(texts, { maxLength: 128, padding: 'max_length' });
 * const data = { inputIds: tf.tensor2d(enc.ids, undefined, 'int32'), attentionMask: tf.tensor2d(enc.attentionMask) };
 * const encoder = transformerEncoder({ vocabSize: tok.vocabSize, maxLength: 128 });
 * await pretrain({ method: mlm({ tokenizer: tok }), encoder, data, epochs: 3, batchSize: 32 });
 * ```
 */
export function mlm(opts: MlmOptions): MlmMethod {
  const tok = opts?.tokenizer;
  if (!tok || !Number.isInteger(tok.vocabSize) || !Array.isArray(tok.specialTokenIds)) {
    throw new Error(
      `${FN}: options.tokenizer must give vocabSize, padTokenId, maskTokenId and specialTokenIds`,
    );
  }
  const { maskProb = 0.15, replaceProb = 0.8, randomProb = 0.1, wholeWordMask = false } = opts;
  let continuation: Set<number> | undefined;
  if (wholeWordMask) {
    if (typeof tok.continuationTokenIds !== 'function') {
      throw new Error(
        `${FN}: wholeWordMask needs tokenizer.continuationTokenIds() (the '##' pieces)`,
      );
    }
    continuation = tok.continuationTokenIds();
  }
  // the head is not a LayersModel: its variables are listed (and saved, disposed) by name
  let head: MlmHead | undefined;
  const method = defineMethod<{ variables: Record<string, tf.Variable> }, MlmViews, MlmOutputs>({
    name: 'mlm',
    // a worker runs forward only (masking is the main thread's): the tokenizer's numbers suffice
    options: {
      ...opts,
      tokenizer: {
        vocabSize: tok.vocabSize,
        padTokenId: tok.padTokenId,
        maskTokenId: tok.maskTokenId,
        specialTokenIds: [...tok.specialTokenIds],
      },
      wholeWordMask: false,
    },
    inputKey: 'inputIds',
    build(enc, ctx) {
      const v = getTokenEmbedding(enc).weights[0]?.shape[0];
      if (v !== tok.vocabSize) {
        throw new Error(
          `${FN}: the encoder's token embedding has ${v} rows but tokenizer.vocabSize is ${tok.vocabSize}`,
        );
      }
      head = new MlmHead(enc, { seed: headSeed(ctx.seed, 0) });
      return { variables: head.variables() };
    },
    trainableVariables(p) {
      // the encoder's weights (the embedding once: the head reads it, it owns no copy) + the head's
      const enc = p.encoder.trainableWeights.map((w) => w.read() as tf.Variable);
      return [...enc, ...Object.values(p.variables)];
    },
    prepare(_p, batch, ctx) {
      const { ids: raw, mask } = tokenBatch(batch);
      // one draw per step from the run's generator: the masking seed, and from it
      // the dropout seed of each row (so dropout is as reproducible as the masks)
      const seed = ctx.rng.int(0x7fffffff);
      return tf.tidy(() => {
        const ids = (raw.dtype === 'int32' ? raw : tf.cast(raw, 'int32')) as tf.Tensor2D;
        const { inputIds, labels } = maskTokens(ids, {
          maskTokenId: tok.maskTokenId,
          vocabSize: tok.vocabSize,
          specialTokenIds: tok.specialTokenIds,
          maskProb,
          replaceProb,
          randomProb,
          seed,
          wholeWordMask: continuation ? { continuationTokenIds: continuation } : undefined,
        });
        const attentionMask = tf.cast(mask, 'float32') as tf.Tensor2D;
        const rowSeeds = tf.tensor1d(dropoutRowSeeds(seed, 0, ids.shape[0]), 'int32');
        return { inputIds, attentionMask, ...maskedPositions(labels), rowSeeds };
      });
    },
    shard(_p, { inputIds, attentionMask, positions, targets, rowSeeds }, start, end) {
      // positions index the flattened [B, T] batch: keep those of rows [start, end), re-based
      const t = inputIds.shape[1];
      const pos = positions.dataSync();
      const tgt = targets.dataSync();
      const keep: number[] = [];
      const keptTargets: number[] = [];
      for (let i = 0; i < pos.length; i++) {
        if (pos[i] >= start * t && pos[i] < end * t) {
          keep.push(pos[i] - start * t);
          keptTargets.push(tgt[i]);
        }
      }
      return tf.tidy(() => ({
        inputIds: tf.slice(inputIds, [start, 0], [end - start, t]),
        attentionMask: tf.slice(attentionMask, [start, 0], [end - start, t]),
        positions: tf.tensor1d(keep, 'int32'),
        targets: tf.tensor1d(keptTargets, 'int32'),
        rowSeeds: tf.slice(rowSeeds, [start], [end - start]),
      }));
    },
    forward(p, { inputIds, attentionMask, positions, targets, rowSeeds }) {
      return tf.tidy(() => {
        // every dropout of the encoder draws its masks from the rows' seeds
        const hidden = withDropoutSeeds(
          rowSeeds.dataSync(),
          () => p.encoder.apply([inputIds, attentionMask], { training: true }) as tf.Tensor3D,
        ); // [B, T, D]
        return head!.tokenLosses(hidden, { positions, targets });
      });
    },
    loss(_p, { nll, correct }, ctx) {
      return tf.tidy(() => {
        // the mean over every predicted token of the (global) batch
        const m = Math.max(nll.shape[0], 1);
        const loss = tf.div(tf.sum(nll), m) as tf.Scalar;
        ctx.record('maskedAccuracy', tf.div(tf.sum(correct), m) as tf.Scalar);
        ctx.record('perplexity', tf.exp(loss) as tf.Scalar);
        return { loss };
      });
    },
  });
  return Object.assign(method, {
    head(): MlmHead {
      if (!head) throw new Error(`${FN}: call build() first (pretrain does)`);
      return head;
    },
  });
}

/** MLM in the method registry (`tokenizer` is passed in code). */
export const mlmEntry: MethodEntry = {
  name: 'mlm',
  summary: 'masked language modeling (BERT, Devlin et al. 2019) with a tied MLM head',
  modality: 'text',
  options: [
    {
      name: 'maskProb',
      type: 'number',
      default: 0.15,
      doc: 'probability that a token is predicted',
    },
    { name: 'replaceProb', type: 'number', default: 0.8, doc: 'of those, fraction set to [MASK]' },
    {
      name: 'randomProb',
      type: 'number',
      default: 0.1,
      doc: 'of those, fraction set to a random token',
    },
    {
      name: 'wholeWordMask',
      type: 'boolean',
      default: false,
      doc: "mask a word's '##' pieces together",
    },
  ],
  create: (o) => mlm(o as unknown as MlmOptions),
};

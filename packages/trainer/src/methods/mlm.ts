import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type * as tfl from '@tensorflow/tfjs-layers';
import { maskTokens, mlmLoss, mlmModel } from '@ssl/mlm';
import type { Method } from './method';
import { headSeed } from './model-state';

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
  /** Name of the encoder's token embedding layer, tied to the output projection. Default 'token_embedding'. */
  embeddingLayerName?: string;
}

const FN = 'mlm';
const HEAD_LAYERS = ['mlm_transform', 'mlm_layer_norm', 'mlm_output'];

/**
 * Masked language modeling (BERT, Devlin et al. 2019) as a `pretrain()` method.
 * Each batch is a `Tensor2D` of token ids `[B, T]` (padded with the tokenizer's
 * [PAD]; the attention mask is `ids != [PAD]`). Per step: `maskTokens` with a seed
 * drawn from the run's generator, the encoder (a `transformerEncoder`) plus the
 * tied MLM head of `mlmModel`, and `maskedCrossEntropy` on the selected positions
 * (`mlmLoss`: the head runs only there).
 * Logged per step: `maskedAccuracy` and `perplexity` (exp of the step's loss).
 *
 * Defaults: maskProb 0.15, replaceProb 0.8, randomProb 0.1, no whole-word masking.
 *
 * @example
 * ```ts
 * const tok = WordPieceTokenizer.train(texts, { vocabSize: 8000 });
 * const ids = tf.tensor2d(tok.encodeBatch(texts, { maxLength: 128, padding: 'max_length' }).ids, undefined, 'int32');
 * const encoder = transformerEncoder({ vocabSize: tok.vocabSize, maxLength: 128 });
 * await pretrain({ method: mlm({ tokenizer: tok }), encoder, data: ids, epochs: 3, batchSize: 32 });
 * ```
 */
export function mlm(opts: MlmOptions): Method<tf.Tensor2D> {
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
  let model: LayersModel | undefined;
  let encoder: LayersModel | undefined;
  const built = () => {
    if (!model || !encoder) throw new Error(`${FN}: call build() first (pretrain does)`);
    return { model, encoder };
  };
  const headWeights = (): tfl.LayerVariable[] =>
    HEAD_LAYERS.flatMap((n) => built().model.getLayer(n).weights);

  return {
    name: 'mlm',
    dataKey: 'ids',
    build(enc, ctx) {
      if (model) for (const w of headWeights()) w.dispose(); // rebuilt: free the old head
      const emb = enc.layers.find((l) => l.name === (opts.embeddingLayerName ?? 'token_embedding'));
      const v = emb?.weights[0]?.shape[0];
      if (v !== undefined && v !== tok.vocabSize) {
        throw new Error(
          `${FN}: the encoder's token embedding has ${v} rows but tokenizer.vocabSize is ${tok.vocabSize}`,
        );
      }
      encoder = enc;
      model = mlmModel({
        encoder: enc,
        embeddingLayerName: opts.embeddingLayerName,
        seed: headSeed(ctx.seed, 0),
      });
    },
    trainableVariables() {
      // the encoder's weights (the embedding once: the head reads it, it owns no copy) + the head's
      return built().model.trainableWeights.map((w) => w.read() as tf.Variable);
    },
    loss(batch, ctx) {
      const m = built();
      if (batch.rank !== 2) {
        throw new Error(`${FN}: a batch must be token ids [B, T], got shape [${batch.shape}]`);
      }
      const ids = batch.dtype === 'int32' ? batch : tf.cast(batch, 'int32');
      const { inputIds, labels } = maskTokens(ids as tf.Tensor2D, {
        maskTokenId: tok.maskTokenId,
        vocabSize: tok.vocabSize,
        specialTokenIds: tok.specialTokenIds,
        maskProb,
        replaceProb,
        randomProb,
        seed: ctx.rng.int(0x7fffffff),
        wholeWordMask: continuation ? { continuationTokenIds: continuation } : undefined,
      });
      const loss = tf.tidy(() => {
        const attentionMask = tf.cast(
          tf.notEqual(ids, tf.scalar(tok.padTokenId, 'int32')),
          'float32',
        ) as tf.Tensor2D; // [B, T]
        // the head runs only at the masked positions (same loss as on full [B, T, V] logits)
        const { loss: l, accuracy } = mlmLoss(m.model, {
          inputIds,
          attentionMask,
          labels,
          training: true,
        });
        ctx.record('maskedAccuracy', accuracy);
        ctx.record('perplexity', tf.exp(l) as tf.Scalar);
        return l;
      });
      tf.dispose([inputIds, labels]);
      if (ids !== batch) ids.dispose();
      return loss;
    },
    getState() {
      const tensors: Record<string, tf.Tensor> = {};
      headWeights().forEach((w, i) => (tensors[`mlm_head/${i}`] = w.read()));
      return { tensors };
    },
    setState(state) {
      headWeights().forEach((w, i) => {
        const t = state.tensors[`mlm_head/${i}`];
        if (!t) throw new Error(`${FN}.setState: state has no tensor 'mlm_head/${i}' (${w.name})`);
        if (!tf.util.arraysEqual(t.shape, w.shape as number[])) {
          throw new Error(
            `${FN}.setState: 'mlm_head/${i}' (${w.name}) must have shape [${w.shape}], got [${t.shape}]`,
          );
        }
        w.write(t);
      });
    },
    dispose() {
      // Free the head's own variables only; the encoder belongs to the caller.
      if (model) for (const w of headWeights()) w.dispose();
      model = undefined;
      encoder = undefined;
    },
  };
}

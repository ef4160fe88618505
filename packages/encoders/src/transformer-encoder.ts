import * as tfl from '@tensorflow/tfjs-layers';
import { InitStream } from './init';
import { LayerNormalization } from './layer-normalization';
import { PositionEmbedding } from './position-embedding';
import { SeededDropout } from './seeded-dropout';
import { transformerBlock } from './transformer-block';
import { checkInt, checkName, checkPositive, checkRange } from './validate';

/** Options of {@link transformerEncoder}. Only `vocabSize` is required. */
export interface TransformerEncoderOptions {
  /** Number of token ids (ids are in `[0, vocabSize)`). Required. */
  vocabSize: number;
  /** Longest sequence: size of the position-embedding table. Default `128`. */
  maxLength?: number;
  /** Model width D (embedding and hidden size). Default `128`. */
  dModel?: number;
  /** Attention heads; must divide `dModel`. Default `4`. */
  numHeads?: number;
  /** Number of Transformer blocks. Default `2`. */
  numLayers?: number;
  /** Feed-forward hidden width. Default `4 * dModel`. */
  ffnDim?: number;
  /** Dropout rate after the embeddings, attention and feed-forward outputs, in [0, 1). Default `0.1`. */
  dropout?: number;
  /** Epsilon of every layer norm. Default `1e-12` (BERT). */
  layerNormEps?: number;
  /** Model name; also the prefix of every layer name except `token_embedding`. Default `'transformer_encoder'`. */
  name?: string;
  /** Seed of the weight initialisers (same seed, same initial weights) and of the dropout masks drawn outside `withDropoutSeeds`. Default `0`. */
  seed?: number;
}

/** Name of the token-embedding layer (an MLM head ties its output weights to it). */
export const TOKEN_EMBEDDING_NAME = 'token_embedding';

const FN = 'transformerEncoder';

/**
 * A BERT-style Transformer encoder as a serializable tfjs-layers model.
 *
 * Inputs, in this order:
 * - `input_ids` `[B, T]` int32, token ids in `[0, vocabSize)`, `T <= maxLength`;
 * - `attention_mask` `[B, T]`, 1 = token, 0 = padding. Declared float32; an
 *   int32 mask is accepted too (cast inside the attention layer).
 *
 * Output: the sequence representation `[B, T, dModel]`.
 *
 * `token_embedding` (a `tf.layers.embedding`) + {@link PositionEmbedding} ->
 * LayerNorm -> Dropout -> `numLayers` x {@link transformerBlock} (post-LN, as in
 * BERT: self-attention with the padding mask -> dropout -> residual -> LayerNorm
 * -> FFN with GELU -> dropout -> residual -> LayerNorm). No segment embeddings.
 * Dropout ({@link SeededDropout}) is active only when the model is called with
 * `{ training: true }`; its masks are seeded: by {@link withDropoutSeeds} around
 * the call (the trainer's steps do this from the run seed and the step), else by
 * `seed` and the call count.
 *
 * Weights: every kernel and embedding is truncated normal with std 0.02, biases
 * zero, layer norms gamma 1 and beta 0 (BERT), seeded.
 *
 * Reference: Devlin et al., "BERT: Pre-training of Deep Bidirectional
 * Transformers for Language Understanding", 2019.
 *
 * @example
 * ```ts
 * const encoder = transformerEncoder({ vocabSize: 1000, maxLength: 64 });
 * const ids = tf.tensor2d([[2, 45, 7, 3, 0]], [1, 5], 'int32');
 * const mask = tf.tensor2d([[1, 1, 1, 1, 0]], [1, 5]);
 * const h = encoder.predict([ids, mask]) as tf.Tensor3D; // [1, 5, 128]
 * ```
 */
export function transformerEncoder(options: TransformerEncoderOptions): tfl.LayersModel {
  if (options === null || typeof options !== 'object') {
    throw new Error(`${FN}: options must be an object with vocabSize, got ${String(options)}`);
  }
  const {
    vocabSize,
    maxLength = 128,
    dModel = 128,
    numHeads = 4,
    numLayers = 2,
    dropout = 0.1,
    layerNormEps = 1e-12,
    name = 'transformer_encoder',
    seed = 0,
  } = options;
  checkInt(FN, 'vocabSize', vocabSize);
  checkInt(FN, 'maxLength', maxLength);
  checkInt(FN, 'dModel', dModel);
  checkInt(FN, 'numHeads', numHeads);
  if (dModel % numHeads !== 0) {
    throw new Error(`${FN}: dModel (${dModel}) must be divisible by numHeads (${numHeads})`);
  }
  checkInt(FN, 'numLayers', numLayers);
  const ffnDim = options.ffnDim ?? 4 * dModel;
  checkInt(FN, 'ffnDim', ffnDim);
  checkRange(FN, 'dropout', dropout, 0, 1);
  checkPositive(FN, 'layerNormEps', layerNormEps);
  checkName(FN, 'name', name);
  checkInt(FN, 'seed', seed, 0);

  // Weight initialisation, in one place: truncated normal std 0.02 (BERT).
  const init = new InitStream(seed);
  const apply = (layer: tfl.layers.Layer, x: tfl.SymbolicTensor | tfl.SymbolicTensor[]) =>
    layer.apply(x) as tfl.SymbolicTensor;

  // Sequence length left open: any T <= maxLength.
  const inputIds = tfl.input({ shape: [null], dtype: 'int32', name: 'input_ids' });
  const attentionMask = tfl.input({ shape: [null], dtype: 'float32', name: 'attention_mask' });

  // [B, T] -> [B, T, D]
  let x = apply(
    tfl.layers.embedding({
      inputDim: vocabSize,
      outputDim: dModel,
      embeddingsInitializer: init.truncatedNormal(),
      name: TOKEN_EMBEDDING_NAME,
    }),
    inputIds,
  );
  x = apply(
    new PositionEmbedding({ maxLength, seed: init.nextSeed(), name: `${name}_position_embedding` }),
    x,
  );
  x = apply(new LayerNormalization({ epsilon: layerNormEps, name: `${name}_embedding_norm` }), x);
  x = apply(new SeededDropout({ rate: dropout, seed, name: `${name}_embedding_dropout` }), x);
  for (let i = 1; i <= numLayers; i++) {
    x = transformerBlock(
      x,
      attentionMask,
      { name: `${name}_layer${i}`, numHeads, ffnDim, dropout, layerNormEps, dropoutSeed: seed },
      init,
    );
  }
  return tfl.model({ inputs: [inputIds, attentionMask], outputs: x, name });
}

/**
 * The `token_embedding` layer of a {@link transformerEncoder} (also after
 * `tf.loadLayersModel`), e.g. to tie an MLM head's output weights to it: its
 * single weight is the `[vocabSize, dModel]` table. The search goes into
 * nested models too (depth first, in layer order), so it also finds the
 * embedding when the encoder is one layer of a bigger model (an MLM model or a
 * classifier built around it).
 */
export function getTokenEmbedding(model: tfl.LayersModel): tfl.layers.Layer {
  const layer = findLayer(model, TOKEN_EMBEDDING_NAME);
  if (!layer) {
    throw new Error(
      `getTokenEmbedding: model '${model.name}' has no layer named '${TOKEN_EMBEDDING_NAME}' ` +
        `(nested models searched too); expected a model built by transformerEncoder or one containing it`,
    );
  }
  return layer;
}

/** Depth-first search for the layer called `name` in `container` and the models nested in it. */
function findLayer(
  container: { layers?: tfl.layers.Layer[] },
  name: string,
  seen = new Set<unknown>(),
): tfl.layers.Layer | undefined {
  if (seen.has(container) || !Array.isArray(container.layers)) return undefined;
  seen.add(container);
  for (const layer of container.layers) {
    if (layer.name === name) return layer;
    const inner = findLayer(layer as { layers?: tfl.layers.Layer[] }, name, seen);
    if (inner) return inner;
  }
  return undefined;
}

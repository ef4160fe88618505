import * as tfl from '@tensorflow/tfjs-layers';
import { encoderInputs } from './encoder-inputs';
import { findInModel } from './find-layer';
import { TiedEmbeddingOutput } from './tied-output';

/** Options of {@link mlmModel}. */
export interface MlmModelOptions {
  /** A `transformerEncoder` from @ssl/encoders: inputs input_ids and attention_mask [B, T], output [B, T, D]. */
  encoder: tfl.LayersModel;
  /** Name of the encoder's token embedding layer (the tied matrix). Default 'token_embedding'. */
  embeddingLayerName?: string;
  /** Epsilon of the head's LayerNormalization. Default 1e-12 (BERT). */
  layerNormEpsilon?: number;
  /** Seed of the head's dense initializer. Default 0. */
  seed?: number;
}

/**
 * BERT's masked-language-model network (Devlin et al. 2019): the encoder, then the
 * MLM head `dense(D) → GELU → LayerNorm → x·Eᵀ + b`, whose output projection is the
 * encoder's token embedding matrix E [V, D] itself (see {@link TiedEmbeddingOutput}).
 * Inputs: `input_ids` [B, T] and `attention_mask` [B, T]; output: logits [B, T, V].
 * Train it with `maskedCrossEntropy(logits, labels)` from @ssl/losses on the output of
 * {@link maskTokens}.
 *
 * Serializable with `model.save()` / `tf.loadLayersModel()` (import @ssl/mlm first so
 * its layers are registered): the tied layer finds the embedding by name when it first
 * runs, so nothing needs to be passed at load time.
 *
 * @example
 * const encoder = transformerEncoder({ vocabSize: tok.vocabSize, maxLength: 64, dModel: 128,
 *   numHeads: 4, numLayers: 2, ffnDim: 512, dropout: 0.1 });
 * const model = mlmModel({ encoder });
 * const logits = model.apply([inputIds, attentionMask], { training: true }) as tf.Tensor3D;
 */
export function mlmModel(opts: MlmModelOptions): tfl.LayersModel {
  const fn = 'mlmModel';
  const {
    encoder,
    embeddingLayerName = 'token_embedding',
    layerNormEpsilon = 1e-12,
    seed = 0,
  } = opts ?? {};
  const [ids, mask] = encoderInputs(encoder, fn);
  const embedding = findInModel(encoder, embeddingLayerName);
  if (!embedding) {
    throw new Error(
      `${fn}: encoder has no layer named '${embeddingLayerName}' (the token embedding to tie)`,
    );
  }
  const [vocabSize, dModel] = embedding.weights[0]?.shape ?? [];
  if (!vocabSize || !dModel) {
    throw new Error(`${fn}: layer '${embeddingLayerName}' must be built and hold a [V, D] matrix`);
  }
  const hidden = encoder.apply([ids, mask]) as tfl.SymbolicTensor; // [B, T, D]
  const dense = tfl.layers.dense({
    units: dModel,
    activation: 'gelu',
    kernelInitializer: tfl.initializers.truncatedNormal({ stddev: 0.02, seed }),
    name: 'mlm_transform',
  });
  const norm = tfl.layers.layerNormalization({ epsilon: layerNormEpsilon, name: 'mlm_layer_norm' });
  const out = new TiedEmbeddingOutput({ vocabSize, embeddingLayerName, name: 'mlm_output' });
  out.tie(embedding);
  const logits = out.apply(norm.apply(dense.apply(hidden))) as tfl.SymbolicTensor; // [B, T, V]
  return tfl.model({ inputs: [ids, mask], outputs: logits, name: 'mlm' });
}

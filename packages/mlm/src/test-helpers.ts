// Test fixtures (not exported from the package).
import * as tfl from '@tensorflow/tfjs-layers';
import { TOKEN_EMBEDDING_NAME } from '@ssl/encoders';

/**
 * A tiny stand-in for `transformerEncoder` with the same interface: inputs
 * input_ids [B, T] int32 and attention_mask [B, T], output [B, T, D], token
 * embedding layer named `TOKEN_EMBEDDING_NAME`. Fast enough for unit tests.
 */
export function tinyEncoder(
  vocabSize: number,
  maxLength: number,
  dModel: number,
  seed = 1,
): tfl.LayersModel {
  const ids = tfl.input({ shape: [maxLength], dtype: 'int32', name: 'input_ids' });
  const mask = tfl.input({ shape: [maxLength], dtype: 'float32', name: 'attention_mask' });
  const emb = tfl.layers
    .embedding({
      inputDim: vocabSize,
      outputDim: dModel,
      embeddingsInitializer: tfl.initializers.randomNormal({ stddev: 0.5, seed }),
      name: TOKEN_EMBEDDING_NAME,
    })
    .apply(ids) as tfl.SymbolicTensor;
  const h = tfl.layers
    .dense({
      units: dModel,
      activation: 'tanh',
      kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 1 }),
    })
    .apply(emb) as tfl.SymbolicTensor;
  return tfl.model({ inputs: [ids, mask], outputs: h, name: 'tiny_encoder' });
}

/** A small BERT-like vocabulary for hand-derived splits. */
export const SMALL_VOCAB = [
  '[PAD]',
  '[UNK]',
  '[CLS]',
  '[SEP]',
  '[MASK]',
  'un',
  '##aff',
  '##able',
  'runn',
  '##ing',
  'want',
  '##ed',
  ',',
  'hello',
  '!',
  'the',
  'cat',
  'a',
];

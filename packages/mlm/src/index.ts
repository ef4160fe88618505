export {
  WordPieceTokenizer,
  type EncodeOptions,
  type Encoded,
  type EncodedBatch,
} from './tokenizer';
export { trainWordPieceVocab, type TrainWordPieceOptions } from './train-wordpiece';
export {
  buildTokenizerJson,
  validateTokenizerJson,
  SPECIAL_TOKENS,
  type TokenizerJson,
  type WordPieceModelJson,
} from './tokenizer-json';
export { maskTokens, type MaskTokensOptions } from './mask-tokens';
export { mlmModel, type MlmModel, type MlmModelOptions } from './mlm-model';
export { TiedEmbeddingOutput, type TiedEmbeddingOutputArgs } from './tied-output';
export { sequenceClassifier, type SequenceClassifierOptions } from './sequence-classifier';
export { SequencePooling, type SequencePoolingArgs } from './sequence-pooling';
export { maskedAccuracy, perplexity } from './metrics';
export { mlmLoss, type MlmLossInputs } from './mlm-loss';
export {
  MlmHead,
  maskedPositions,
  mlmTokenLosses,
  type MlmHeadOptions,
  type MaskedPositions,
} from './mlm-head';

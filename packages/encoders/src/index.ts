export { convEncoder, type ConvEncoderOptions } from './conv-encoder';
export { resnet, type ResNetOptions } from './resnet';
export { projectionHead, type ProjectionHeadOptions } from './projection-head';
export { predictionHead, type PredictionHeadOptions } from './prediction-head';
export {
  transformerEncoder,
  getTokenEmbedding,
  TOKEN_EMBEDDING_NAME,
  type TransformerEncoderOptions,
} from './transformer-encoder';
export { transformerBlock, type TransformerBlockConfig } from './transformer-block';
export { LayerNormalization, type LayerNormalizationArgs } from './layer-normalization';
export { PositionEmbedding, type PositionEmbeddingArgs } from './position-embedding';
export {
  MultiHeadSelfAttention,
  type MultiHeadSelfAttentionArgs,
} from './multi-head-self-attention';
export { InitStream, BERT_INIT_STDDEV, type Initializer } from './init';
export {
  SeededDropout,
  dropoutRowSeeds,
  mixSeeds,
  withDropoutSeeds,
  type SeededDropoutArgs,
} from './seeded-dropout';

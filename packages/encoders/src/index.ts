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
export { vit, type VitOptions } from './vit';
export { vitEncode, vitInfo, type VitEncodeOptions, type VitInfo } from './vit-encode';
export { VitEmbedding, type VitEmbeddingArgs, type PositionKind } from './vit-embedding';
export { TokenPooling, type TokenPoolingArgs } from './token-pooling';
export { sincosTable } from './sincos';
export {
  SeededDropout,
  dropoutRowSeeds,
  mixSeeds,
  withDropoutSeeds,
  type SeededDropoutArgs,
} from './seeded-dropout';

import * as tfl from '@tensorflow/tfjs-layers';
import type { InitStream } from './init';
import { LayerNormalization } from './layer-normalization';
import { MultiHeadSelfAttention } from './multi-head-self-attention';
import { SeededDropout } from './seeded-dropout';

/** Resolved settings of one {@link transformerBlock}. */
export interface TransformerBlockConfig {
  /** Prefix of the block's layer names, e.g. `'transformer_encoder_layer1'`. */
  name: string;
  /** Number of attention heads (divides the width of `x`). */
  numHeads: number;
  /** Width of the feed-forward hidden layer. */
  ffnDim: number;
  /** Dropout rate after attention and after the feed-forward network. */
  dropout: number;
  /** Epsilon of both layer norms. */
  layerNormEps: number;
  /** Seed of the dropout masks drawn outside `withDropoutSeeds` (see {@link SeededDropout}). Default `0`. */
  dropoutSeed?: number;
}

/**
 * Wires one post-LN (BERT-style) Transformer encoder block into a functional
 * graph, out of {@link MultiHeadSelfAttention}, {@link LayerNormalization},
 * {@link SeededDropout} and built-in layers:
 *
 * ```
 * a = LayerNorm(x + Dropout(SelfAttention(x, mask)))
 * y = LayerNorm(a + Dropout(Dense(D)(GELU(Dense(ffnDim)(a)))))
 * ```
 *
 * GELU is tfjs's exact (erf) `'gelu'`. Kernels come from `init` (truncated
 * normal, std 0.02 in the BERT encoder). `x`: `[B, T, D]`; `mask`: `[B, T]`.
 */
export function transformerBlock(
  x: tfl.SymbolicTensor,
  mask: tfl.SymbolicTensor,
  cfg: TransformerBlockConfig,
  init: InitStream,
): tfl.SymbolicTensor {
  const dModel = x.shape[x.shape.length - 1] as number;
  const p = cfg.name;
  const apply = (layer: tfl.layers.Layer, input: tfl.SymbolicTensor | tfl.SymbolicTensor[]) =>
    layer.apply(input) as tfl.SymbolicTensor;

  let h = apply(
    new MultiHeadSelfAttention({
      numHeads: cfg.numHeads,
      seed: init.nextSeed(),
      name: `${p}_attention`,
    }),
    [x, mask],
  );
  const dropoutSeed = cfg.dropoutSeed ?? 0;
  h = apply(
    new SeededDropout({ rate: cfg.dropout, seed: dropoutSeed, name: `${p}_attention_dropout` }),
    h,
  );
  h = apply(tfl.layers.add({ name: `${p}_attention_add` }), [x, h]);
  const a = apply(
    new LayerNormalization({ epsilon: cfg.layerNormEps, name: `${p}_attention_norm` }),
    h,
  );

  let f = apply(
    tfl.layers.dense({
      units: cfg.ffnDim,
      activation: 'gelu',
      kernelInitializer: init.truncatedNormal(),
      name: `${p}_ffn_in`,
    }),
    a,
  );
  f = apply(
    tfl.layers.dense({
      units: dModel,
      kernelInitializer: init.truncatedNormal(),
      name: `${p}_ffn_out`,
    }),
    f,
  );
  f = apply(
    new SeededDropout({ rate: cfg.dropout, seed: dropoutSeed, name: `${p}_ffn_dropout` }),
    f,
  );
  f = apply(tfl.layers.add({ name: `${p}_ffn_add` }), [a, f]);
  return apply(new LayerNormalization({ epsilon: cfg.layerNormEps, name: `${p}_ffn_norm` }), f);
}

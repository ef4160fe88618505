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
  /**
   * Where the layer norms sit. `'post'` (default, BERT): after each residual
   * add. `'pre'` (ViT, GPT-2): on each branch's input, the residual stream
   * left unnormalised.
   */
  norm?: 'post' | 'pre';
  /** Seed of the dropout masks drawn outside `withDropoutSeeds` (see {@link SeededDropout}). Default `0`. */
  dropoutSeed?: number;
}

/**
 * Wires one Transformer encoder block into a functional graph, out of
 * {@link MultiHeadSelfAttention}, {@link LayerNormalization} and built-in
 * {@link SeededDropout} and built-in layers. Post-LN (BERT, the default):
 *
 * ```
 * a = LayerNorm(x + Dropout(SelfAttention(x, mask)))
 * y = LayerNorm(a + Dropout(Dense(D)(GELU(Dense(ffnDim)(a)))))
 * ```
 *
 * Pre-LN (`norm: 'pre'`, the Vision Transformer's; dropout layers only when
 * `dropout > 0`):
 *
 * ```
 * a = x + Dropout(SelfAttention(LayerNorm(x), mask))
 * y = a + Dropout(Dense(D)(GELU(Dense(ffnDim)(LayerNorm(a)))))
 * ```
 *
 * GELU is tfjs's exact (erf) `'gelu'`. Kernels come from `init` (truncated
 * normal, std 0.02). `x`: `[B, T, D]`; `mask`: `[B, T]`, or `null` for none
 * (every token attends to every token).
 */
export function transformerBlock(
  x: tfl.SymbolicTensor,
  mask: tfl.SymbolicTensor | null,
  cfg: TransformerBlockConfig,
  init: InitStream,
): tfl.SymbolicTensor {
  const apply = (layer: tfl.layers.Layer, input: tfl.SymbolicTensor | tfl.SymbolicTensor[]) =>
    layer.apply(input) as tfl.SymbolicTensor;
  if (cfg.norm === 'pre') return preNormBlock(x, mask, cfg, init, apply);
  const dModel = x.shape[x.shape.length - 1] as number;
  const p = cfg.name;

  let h = apply(
    new MultiHeadSelfAttention({
      numHeads: cfg.numHeads,
      seed: init.nextSeed(),
      name: `${p}_attention`,
    }),
    mask ? [x, mask] : x,
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

type Apply = (
  layer: tfl.layers.Layer,
  input: tfl.SymbolicTensor | tfl.SymbolicTensor[],
) => tfl.SymbolicTensor;

/** The pre-LN block of {@link transformerBlock} (`norm: 'pre'`). */
function preNormBlock(
  x: tfl.SymbolicTensor,
  mask: tfl.SymbolicTensor | null,
  cfg: TransformerBlockConfig,
  init: InitStream,
  apply: Apply,
): tfl.SymbolicTensor {
  const dModel = x.shape[x.shape.length - 1] as number;
  const p = cfg.name;
  const dropout = (t: tfl.SymbolicTensor, what: string) =>
    cfg.dropout > 0
      ? apply(
          new SeededDropout({
            rate: cfg.dropout,
            seed: cfg.dropoutSeed ?? 0,
            name: `${p}_${what}_dropout`,
          }),
          t,
        )
      : t;

  const n1 = apply(
    new LayerNormalization({ epsilon: cfg.layerNormEps, name: `${p}_attention_norm` }),
    x,
  );
  let h = apply(
    new MultiHeadSelfAttention({
      numHeads: cfg.numHeads,
      seed: init.nextSeed(),
      name: `${p}_attention`,
    }),
    mask ? [n1, mask] : n1,
  );
  h = dropout(h, 'attention');
  const a = apply(tfl.layers.add({ name: `${p}_attention_add` }), [x, h]);

  const n2 = apply(new LayerNormalization({ epsilon: cfg.layerNormEps, name: `${p}_ffn_norm` }), a);
  let f = apply(
    tfl.layers.dense({
      units: cfg.ffnDim,
      activation: 'gelu',
      kernelInitializer: init.truncatedNormal(),
      name: `${p}_ffn_in`,
    }),
    n2,
  );
  f = apply(
    tfl.layers.dense({
      units: dModel,
      kernelInitializer: init.truncatedNormal(),
      name: `${p}_ffn_out`,
    }),
    f,
  );
  f = dropout(f, 'ffn');
  return apply(tfl.layers.add({ name: `${p}_ffn_add` }), [a, f]);
}

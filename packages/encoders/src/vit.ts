import * as tfl from '@tensorflow/tfjs-layers';
import { InitStream } from './init';
import { LayerNormalization } from './layer-normalization';
import { transformerBlock } from './transformer-block';
import { TokenPooling } from './token-pooling';
import { VitEmbedding, type PositionKind } from './vit-embedding';
import { checkInt, checkName, checkOneOf, checkShape } from './validate';

/** Options of {@link vit}. Every field is optional. */
export interface VitOptions {
  /** Image shape `[H, W, C]` (NHWC, batch left out). Default `[28, 28, 1]` (MNIST). */
  inputShape?: [number, number, number];
  /** Side of the square patches; must divide H and W. Default `4` when it divides both (28, 32 px: 49 or 64 patches), else `7`. */
  patchSize?: number;
  /** Token width D. Default `64`. */
  dim?: number;
  /** Number of pre-norm Transformer blocks. Default `4`. */
  depth?: number;
  /** Attention heads; must divide `dim`. Default `4`. */
  heads?: number;
  /** Feed-forward width as a multiple of `dim`. Default `2` (the paper's 4 costs twice the MLP time on CPU). */
  mlpRatio?: number;
  /** The representation: `'cls'` the class token, `'mean'` the mean of the patch tokens. Default `'cls'`. */
  pooling?: 'cls' | 'mean';
  /** `'sincos'`: MAE's fixed 2-D sin-cos table (dim divisible by 4); `'learned'`: trained. Default `'sincos'`. */
  positions?: PositionKind;
  /** Epsilon of every layer norm. Default `1e-6` (timm, MAE). */
  layerNormEps?: number;
  /** Model name; also the prefix of every layer name. Default `'vit'`. */
  name?: string;
  /** Seed of the weight initialisers: same seed, same initial weights. Default `0`. */
  seed?: number;
}

const FN = 'vit';

/**
 * A Vision Transformer (Dosovitskiy et al. 2021, "An Image is Worth 16x16
 * Words") as a serializable tfjs-layers model, sized for small images on a CPU:
 *
 * ```
 * [N,H,W,C] -> Conv2D(dim, p x p, stride p)  (patch embedding)   -> [N, H/p, W/p, D]
 *           -> Reshape                                            -> [N, L, D]
 *           -> VitEmbedding (class token + positions)             -> [N, 1+L, D]
 *           -> depth x pre-norm block (LN -> MHSA -> +, LN -> MLP(GELU) -> +)
 *           -> LayerNorm -> TokenPooling ('cls' or 'mean')        -> [N, D]
 * ```
 *
 * The layers are named `<name>_patch_embed`, `<name>_patch_tokens`,
 * `<name>_embedding`, `<name>_block<i>_...`, `<name>_norm`, `<name>_pool`.
 * {@link vitEncode} runs the same weights on a subset of the patches (MAE).
 * Weights: truncated normal std 0.02 for the attention, MLP, class token and
 * learned positions (timm); Glorot uniform for the patch embedding; zero
 * biases, layer norms 1/0; seeded.
 *
 * @example
 * ```ts
 * const encoder = vit({ inputShape: [28, 28, 1], patchSize: 4, dim: 64, depth: 4, heads: 4 });
 * const h = encoder.predict(tf.zeros([2, 28, 28, 1])) as tf.Tensor2D; // [2, 64]
 * ```
 */
export function vit(options: VitOptions = {}): tfl.LayersModel {
  if (options === null || typeof options !== 'object') {
    throw new Error(`${FN}: options must be an object, got ${String(options)}`);
  }
  const {
    inputShape = [28, 28, 1],
    dim = 64,
    depth = 4,
    heads = 4,
    mlpRatio = 2,
    pooling = 'cls',
    positions = 'sincos',
    layerNormEps = 1e-6,
    name = 'vit',
    seed = 0,
  } = options;
  const [height, width] = checkShape(FN, 'inputShape', inputShape, 3);
  const patchSize = options.patchSize ?? (height % 4 === 0 && width % 4 === 0 ? 4 : 7);
  checkInt(FN, 'patchSize', patchSize);
  if (height % patchSize !== 0 || width % patchSize !== 0) {
    throw new Error(
      `${FN}: patchSize (${patchSize}) must divide the image height and width, got inputShape [${inputShape.join(',')}]`,
    );
  }
  checkInt(FN, 'dim', dim);
  checkInt(FN, 'depth', depth);
  checkInt(FN, 'heads', heads);
  if (dim % heads !== 0) {
    throw new Error(`${FN}: dim (${dim}) must be divisible by heads (${heads})`);
  }
  if (typeof mlpRatio !== 'number' || !(mlpRatio > 0) || !Number.isInteger(mlpRatio * dim)) {
    throw new Error(
      `${FN}: mlpRatio must be a number > 0 with mlpRatio * dim an integer, got ${String(mlpRatio)}`,
    );
  }
  checkOneOf(FN, 'pooling', pooling, ['cls', 'mean'] as const);
  checkOneOf(FN, 'positions', positions, ['learned', 'sincos'] as const);
  if (positions === 'sincos' && dim % 4 !== 0) {
    throw new Error(`${FN}: dim (${dim}) must be divisible by 4 for 'sincos' positions`);
  }
  if (typeof layerNormEps !== 'number' || !(layerNormEps > 0)) {
    throw new Error(`${FN}: layerNormEps must be a number > 0, got ${String(layerNormEps)}`);
  }
  checkName(FN, 'name', name);
  checkInt(FN, 'seed', seed, 0);

  // Weight initialisation, in one place.
  const init = new InitStream(seed);
  const apply = (layer: tfl.layers.Layer, x: tfl.SymbolicTensor | tfl.SymbolicTensor[]) =>
    layer.apply(x) as tfl.SymbolicTensor;
  const gh = height / patchSize;
  const gw = width / patchSize;

  const input = tfl.input({ shape: inputShape, name: `${name}_input` });
  // [N, H, W, C] -> [N, gh, gw, D]: one dense map of each p x p patch
  let x = apply(
    tfl.layers.conv2d({
      filters: dim,
      kernelSize: patchSize,
      strides: patchSize,
      padding: 'valid',
      kernelInitializer: init.glorotUniform(),
      name: `${name}_patch_embed`,
    }),
    input,
  );
  // [N, gh, gw, D] -> [N, L, D], patches in raster order
  x = apply(tfl.layers.reshape({ targetShape: [gh * gw, dim], name: `${name}_patch_tokens` }), x);
  // -> [N, 1 + L, D]
  x = apply(
    new VitEmbedding({
      gridSize: [gh, gw],
      patchSize,
      positions,
      seed: init.nextSeed(),
      name: `${name}_embedding`,
    }),
    x,
  );
  for (let i = 1; i <= depth; i++) {
    x = transformerBlock(
      x,
      null,
      {
        name: `${name}_block${i}`,
        numHeads: heads,
        ffnDim: mlpRatio * dim,
        dropout: 0,
        layerNormEps,
        norm: 'pre',
      },
      init,
    );
  }
  x = apply(new LayerNormalization({ epsilon: layerNormEps, name: `${name}_norm` }), x);
  const out = apply(new TokenPooling({ mode: pooling, name: `${name}_pool` }), x);
  return tfl.model({ inputs: input, outputs: out, name });
}

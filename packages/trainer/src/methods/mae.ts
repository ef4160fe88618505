import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { permutation, type Rng } from '@ssl/augment';
import {
  InitStream,
  LayerNormalization,
  sincosTable,
  transformerBlock,
  vitEncode,
  vitInfo,
  type VitInfo,
} from '@ssl/encoders';
import { maeLoss, patchify } from '@ssl/losses';
import { defineMethod } from './define-method';
import type { Method } from './method';
import type { MethodEntry } from './method-entry';
import { headSeed, trainableVariables } from './model-state';
import { batchImages, checkImages } from './views';

/** Options of {@link mae}. */
export interface MaeOptions {
  /** Fraction of each image's patches hidden from the encoder, in (0, 1). Default 0.75 (the paper's). */
  maskRatio?: number;
  /** Width of the decoder's tokens. Default 64. */
  decoderDim?: number;
  /** Pre-norm Transformer blocks in the decoder. Default 2. */
  decoderDepth?: number;
  /** Attention heads of the decoder (divide `decoderDim`). Default 4. */
  decoderHeads?: number;
  /** Decoder feed-forward width as a multiple of `decoderDim`. Default 2. */
  decoderMlpRatio?: number;
  /** Targets normalised per patch (mean 0, variance 1), MAE's `norm_pix_loss`. Default true (the paper's choice). */
  normPixels?: boolean;
}

/** MAE's views: the images, each example's visible patches and its mask. */
export type MaeViews = {
  /** `[B, H, W, C]`. */
  images: tf.Tensor4D;
  /** Indices of the visible patches, ascending, int32 `[B, Lv]`. */
  keep: tf.Tensor2D;
  /** 1 = masked (predicted, in the loss), 0 = visible; float32 `[B, L]`. */
  mask: tf.Tensor2D;
};
/** MAE's outputs: predicted pixels, the true pixels (patchified images) and the mask. */
export type MaeOutputs = { pred: tf.Tensor3D; target: tf.Tensor3D; mask: tf.Tensor2D };

const FN = 'mae';

/** Patches per example that MAE masks: `round(L · maskRatio)`. */
export function maskedCount(numPatches: number, maskRatio: number): number {
  return Math.round(numPatches * maskRatio);
}

/**
 * Per-example random masking (MAE §3, "random sampling"): for each of
 * `batch` examples, a uniformly random set of `round(L · maskRatio)` of the
 * `numPatches` patches is masked, drawn from `rng` (one permutation per
 * example, in example order). Returns the visible indices (ascending,
 * `[batch, L - masked]` row-major) and the mask (1 = masked, `[batch, L]`).
 */
export function randomPatchMask(
  batch: number,
  numPatches: number,
  maskRatio: number,
  rng: Rng,
): { keep: Int32Array; mask: Float32Array; visible: number } {
  const masked = maskedCount(numPatches, maskRatio);
  const visible = numPatches - masked;
  const keep = new Int32Array(batch * visible);
  const mask = new Float32Array(batch * numPatches);
  for (let b = 0; b < batch; b++) {
    const perm = permutation(numPatches, rng);
    for (let i = 0; i < masked; i++) mask[b * numPatches + perm[i]] = 1;
    const kept = Array.from(perm.subarray(masked)).sort((x, y) => x - y);
    keep.set(kept, b * visible);
  }
  return { keep, mask, visible };
}

function checkOptions(o: MaeOptions): Required<MaeOptions> {
  if (o === null || typeof o !== 'object') {
    throw new Error(`${FN}: options must be an object, got ${String(o)}`);
  }
  const r = {
    maskRatio: o.maskRatio ?? 0.75,
    decoderDim: o.decoderDim ?? 64,
    decoderDepth: o.decoderDepth ?? 2,
    decoderHeads: o.decoderHeads ?? 4,
    decoderMlpRatio: o.decoderMlpRatio ?? 2,
    normPixels: o.normPixels ?? true,
  };
  if (!(typeof r.maskRatio === 'number' && r.maskRatio > 0 && r.maskRatio < 1)) {
    throw new Error(
      `${FN}: maskRatio must be a number in (0, 1) (0 hides nothing, 1 leaves the encoder nothing), got ${String(o.maskRatio)}`,
    );
  }
  for (const k of ['decoderDim', 'decoderDepth', 'decoderHeads'] as const) {
    if (!Number.isInteger(r[k]) || r[k] < 1) {
      throw new Error(`${FN}: ${k} must be an integer >= 1, got ${String(r[k])}`);
    }
  }
  if (r.decoderDim % r.decoderHeads !== 0 || r.decoderDim % 4 !== 0) {
    throw new Error(
      `${FN}: decoderDim (${r.decoderDim}) must be divisible by decoderHeads (${r.decoderHeads}) and by 4 (sin-cos positions)`,
    );
  }
  const ffn = r.decoderMlpRatio * r.decoderDim;
  if (!(typeof r.decoderMlpRatio === 'number' && r.decoderMlpRatio > 0 && Number.isInteger(ffn))) {
    throw new Error(
      `${FN}: decoderMlpRatio must be > 0 with decoderMlpRatio * decoderDim an integer, got ${String(r.decoderMlpRatio)}`,
    );
  }
  if (typeof r.normPixels !== 'boolean') {
    throw new Error(`${FN}: normPixels must be true or false, got ${String(r.normPixels)}`);
  }
  return r;
}

/** The ViT geometry of `encoder`, or an error saying MAE needs a ViT. */
function vitOf(encoder: tfl.LayersModel): VitInfo {
  try {
    return vitInfo(encoder);
  } catch {
    throw new Error(
      `${FN}: the encoder must be a Vision Transformer built by vit() from @ssl/encoders (MAE runs it on the visible patches only), got model '${encoder.name}'`,
    );
  }
}

/**
 * The decoder after the mask tokens are in place: `[B, 1+L, Dd]` -> pre-norm
 * blocks -> LayerNorm -> Dense(p·p·C) -> `[B, 1+L, P]` (MAE's decoder).
 */
function decoderModel(o: Required<MaeOptions>, v: VitInfo, seed: number): tfl.LayersModel {
  const init = new InitStream(seed);
  const input = tfl.input({ shape: [1 + v.numPatches, o.decoderDim], name: 'mae_decoder_input' });
  let x = input;
  for (let i = 1; i <= o.decoderDepth; i++) {
    x = transformerBlock(
      x,
      null,
      {
        name: `mae_decoder_block${i}`,
        numHeads: o.decoderHeads,
        ffnDim: o.decoderMlpRatio * o.decoderDim,
        dropout: 0,
        layerNormEps: 1e-6,
        norm: 'pre',
      },
      init,
    );
  }
  x = new LayerNormalization({ epsilon: 1e-6, name: 'mae_decoder_norm' }).apply(
    x,
  ) as tfl.SymbolicTensor;
  const pixels = v.patchSize * v.patchSize * v.inputShape[2];
  x = tfl.layers
    .dense({ units: pixels, kernelInitializer: init.truncatedNormal(), name: 'mae_decoder_pred' })
    .apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: x, name: 'mae_decoder' });
}

/** `[B, T, D] -> [B, T, Dd]`: the encoder's tokens to the decoder's width. */
function decoderEmbed(dim: number, o: Required<MaeOptions>, seed: number): tfl.LayersModel {
  const input = tfl.input({ shape: [null, dim], name: 'mae_decoder_embed_input' });
  const out = tfl.layers
    .dense({
      units: o.decoderDim,
      kernelInitializer: tfl.initializers.glorotUniform({ seed }),
      name: 'mae_decoder_embed',
    })
    .apply(input) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out, name: 'mae_decoder_embed_model' });
}

interface MaeParts {
  models: { decoderEmbed: tfl.LayersModel; decoder: tfl.LayersModel };
  variables: { maskToken: tf.Variable; decoderPositions: tf.Variable };
}

/**
 * MAE (He et al. 2022, "Masked Autoencoders Are Scalable Vision Learners"):
 * hide a random 75 % of each image's patches, run the encoder (a {@link vit}
 * from @ssl/encoders) on the visible 25 % only, and let a light decoder
 * (the encoder's tokens projected to `decoderDim`, a shared learned mask
 * token at every hidden patch, fixed 2-D sin-cos positions, `decoderDepth`
 * pre-norm blocks, a linear map to pixels) reconstruct the hidden patches;
 * the loss is `maeLoss` (the mean squared error over the masked patches).
 *
 * `prepare` draws the masks from the run's generator (outside the tape;
 * `round(L · maskRatio)` patches per example, independent across examples);
 * `forward` runs `vitEncode(encoder, images, { keep })` and the decoder and
 * returns `pred`, `target` (the patchified images) and `mask`, so `loss` is
 * the mean over the masked patches of the whole (global) batch.
 * Logged per step: `maskedMse` (raw pixels, even with `normPixels`).
 *
 * Defaults: maskRatio 0.75, decoderDim 64, decoderDepth 2, decoderHeads 4,
 * decoderMlpRatio 2, normPixels true. No augmentation (the paper uses only
 * crops and flips; MAE works without them).
 *
 * @example
 * ```ts
 * const encoder = vit({ inputShape: [28, 28, 1], patchSize: 4 });
 * await pretrain({ method: mae(), encoder, data: images, epochs: 10, batchSize: 128 });
 * ```
 */
export function mae(opts: MaeOptions = {}): Method<MaeViews, MaeOutputs> {
  const o = checkOptions(opts);
  let info: VitInfo | undefined;
  return defineMethod<MaeParts, MaeViews, MaeOutputs>({
    name: 'mae',
    options: { ...opts },
    build(encoder, ctx) {
      checkImages(FN, ctx.inputShape);
      const v = vitOf(encoder);
      const masked = maskedCount(v.numPatches, o.maskRatio);
      if (masked < 1 || masked > v.numPatches - 1) {
        throw new Error(
          `${FN}: maskRatio ${o.maskRatio} masks ${masked} of ${v.numPatches} patches; it must mask at least 1 and leave at least 1`,
        );
      }
      info = v;
      const table = sincosTable(v.gridSize, o.decoderDim);
      const init = tf.tidy(() =>
        tf.truncatedNormal([o.decoderDim], 0, 0.02, 'float32', headSeed(ctx.seed, 2)),
      );
      const positions = tf.tensor2d(table, [1 + v.numPatches, o.decoderDim]);
      // a variable holds its own reference to the data: the initial tensors are freed here
      const variables = {
        maskToken: tf.variable(init, true),
        decoderPositions: tf.variable(positions, false),
      };
      init.dispose();
      positions.dispose();
      return {
        models: {
          decoderEmbed: decoderEmbed(v.dim, o, headSeed(ctx.seed, 0)),
          decoder: decoderModel(o, v, headSeed(ctx.seed, 1)),
        },
        variables,
      };
    },
    trainableVariables: (p) => [
      ...trainableVariables(p.encoder, p.models.decoderEmbed, p.models.decoder),
      p.variables.maskToken,
    ],
    prepare(_p, batch, ctx) {
      const images = batchImages(FN, batch);
      const l = info!.numPatches;
      const b = images.shape[0];
      const { keep, mask, visible } = randomPatchMask(b, l, o.maskRatio, ctx.rng);
      return {
        images: tf.clone(images),
        keep: tf.tensor2d(keep, [b, visible], 'int32'),
        mask: tf.tensor2d(mask, [b, l]),
      };
    },
    forward(p, { images, keep, mask }) {
      return tf.tidy(() => {
        const v = info!;
        const [b, lv] = keep.shape;
        const l = v.numPatches;
        const dd = o.decoderDim;
        const tokens = vitEncode(p.encoder, images, { keep }); // [B, 1+Lv, D]
        const e = p.models.decoderEmbed.apply(tokens) as tf.Tensor3D; // [B, 1+Lv, Dd]
        const cls = tf.slice(e, [0, 0, 0], [b, 1, dd]); // [B, 1, Dd]
        const vis = tf.slice(e, [0, 1, 0], [b, lv, dd]); // [B, Lv, Dd]
        // visible tokens back at their positions: oneHot(keep)ᵀ [B, L, Lv] x [B, Lv, Dd] -> [B, L, Dd]
        const placed = tf.matMul(tf.oneHot(keep, l), vis, true, false);
        // the mask token at every hidden position: [B, L, 1] x [Dd]
        const filled = tf.add(placed, tf.mul(tf.expandDims(mask, 2), p.variables.maskToken));
        const seq = tf.add(tf.concat([cls, filled], 1), p.variables.decoderPositions); // [B, 1+L, Dd]
        const out = p.models.decoder.apply(seq) as tf.Tensor3D; // [B, 1+L, P]
        const pixels = out.shape[2];
        const pred = tf.slice(out, [0, 1, 0], [b, l, pixels]) as tf.Tensor3D;
        const target = patchify(images, v.patchSize);
        return { pred, target, mask: tf.clone(mask) };
      });
    },
    loss(_p, { pred, target, mask }, ctx) {
      return tf.tidy(() => {
        const loss = maeLoss(pred, target, mask, { normPixels: o.normPixels });
        ctx.record('maskedMse', o.normPixels ? maeLoss(pred, target, mask) : tf.clone(loss));
        return { loss };
      });
    },
  });
}

/** MAE in the method registry. */
export const maeEntry: MethodEntry = {
  name: 'mae',
  summary:
    'MAE (He et al. 2022): a ViT encodes 25 % of the patches, a light decoder rebuilds the rest',
  modality: 'images',
  options: [
    { name: 'maskRatio', type: 'number', default: 0.75, doc: 'fraction of patches masked' },
    { name: 'decoderDim', type: 'integer', default: 64, doc: 'width of the decoder' },
    { name: 'decoderDepth', type: 'integer', default: 2, doc: 'decoder Transformer blocks' },
    { name: 'decoderHeads', type: 'integer', default: 4, doc: 'decoder attention heads' },
    {
      name: 'decoderMlpRatio',
      type: 'number',
      default: 2,
      doc: 'decoder feed-forward width / decoderDim',
    },
    {
      name: 'normPixels',
      type: 'boolean',
      default: true,
      doc: 'per-patch normalised targets (norm_pix_loss)',
    },
  ],
  create: (o) => mae(o as MaeOptions),
};

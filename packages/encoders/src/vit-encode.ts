import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { VitEmbedding } from './vit-embedding';

/** What {@link vitInfo} reads from a ViT. */
export interface VitInfo {
  /** `[H, W, C]`. */
  inputShape: [number, number, number];
  patchSize: number;
  /** Patches per column and per row `[gh, gw]`. */
  gridSize: [number, number];
  /** Number of patches L = gh·gw. */
  numPatches: number;
  /** Token width D. */
  dim: number;
}

const EMBEDDING = VitEmbedding.className;
const POOLING = 'SslTokenPooling';

function layerOf(fn: string, model: tfl.LayersModel, className: string): tfl.layers.Layer {
  const found = model.layers.filter((l) => l.getClassName() === className);
  if (found.length !== 1) {
    throw new Error(
      `${fn}: model '${model.name}' must hold exactly one ${className} layer (a model built by vit()), found ${found.length}`,
    );
  }
  return found[0];
}

/** Patch size, grid, number of patches and width of a {@link vit} model (also after loading). */
export function vitInfo(model: tfl.LayersModel): VitInfo {
  const emb = layerOf('vitInfo', model, EMBEDDING) as VitEmbedding;
  const shape = model.inputs[0].shape;
  const out = emb.outputShape as (number | null)[];
  return {
    inputShape: [shape[1], shape[2], shape[3]] as [number, number, number],
    patchSize: emb.patchSize,
    gridSize: [...emb.gridSize] as [number, number],
    numPatches: emb.numPatches,
    dim: out[out.length - 1] as number,
  };
}

/** Options of {@link vitEncode}. */
export interface VitEncodeOptions {
  /**
   * Which patches each example's encoder sees: int32 `[B, Lv]`, indices in
   * `[0, L)` in raster order (any order; the output follows it). Default: all.
   */
  keep?: tf.Tensor2D;
}

/**
 * The token sequence of a {@link vit} model, before pooling: `[B, 1 + Lv, D]`
 * (class token first, then the kept patches, after the final layer norm),
 * with the model's own weights, so gradients reach them. With `keep`, only
 * those patches enter the Transformer (the encoder of MAE, which sees the
 * visible 25 %); without it this is the model's sequence for the whole image.
 *
 * It replays the model's layer graph up to the pooling layer, calling the
 * layers on tensors, with the `VitEmbedding` layer asked for the kept patches
 * only; the blocks take any sequence length. Works on a loaded model too.
 *
 * @example
 * ```ts
 * const encoder = vit();                                   // 49 patches of 4x4
 * const keep = tf.tensor2d([[0, 5, 9], [3, 4, 48]], [2, 3], 'int32');
 * const tokens = vitEncode(encoder, images, { keep });     // [2, 4, 64]
 * ```
 */
export function vitEncode(
  model: tfl.LayersModel,
  images: tf.Tensor4D,
  opts: VitEncodeOptions = {},
): tf.Tensor3D {
  const fn = 'vitEncode';
  const emb = layerOf(fn, model, EMBEDDING) as VitEmbedding;
  const pool = layerOf(fn, model, POOLING);
  const keep = opts.keep;
  if (keep) {
    const l = emb.numPatches;
    if (keep.rank !== 2 || keep.dtype !== 'int32' || keep.shape[0] !== images.shape[0]) {
      throw new Error(
        `${fn}: keep must be int32 [B, Lv] with B = ${images.shape[0]}, got ${keep.dtype} [${keep.shape}]`,
      );
    }
    if (keep.shape[1] < 1 || keep.shape[1] > l) {
      throw new Error(
        `${fn}: keep must hold 1 to ${l} patch indices per example, got ${keep.shape[1]}`,
      );
    }
  }
  return tf.tidy(() => {
    // symbolic tensor id -> its value; the model's graph in topological order
    const values = new Map<number, tf.Tensor>([[model.inputs[0].id, images]]);
    for (const layer of model.layers) {
      if (layer.getClassName() === 'InputLayer') continue;
      const node = layer.inboundNodes.find((n) => n.inputTensors.every((s) => values.has(s.id)));
      if (!node) continue;
      const inputs = node.inputTensors.map((s) => values.get(s.id)!);
      if (layer === pool) return inputs[0] as tf.Tensor3D;
      const out =
        layer === emb
          ? emb.embed(inputs[0] as tf.Tensor3D, keep)
          : (layer.apply(inputs.length === 1 ? inputs[0] : inputs) as tf.Tensor);
      values.set(node.outputTensors[0].id, out);
    }
    throw new Error(`${fn}: model '${model.name}' has no path from its input to its pooling layer`);
  });
}

import type { LayersModel } from '@tensorflow/tfjs-layers';
import { convEncoder, vit } from '@ssl/encoders';

/** The image encoders `ssl pretrain` can build. */
export type ImageEncoderKind = 'conv' | 'vit';

/**
 * The encoder a method trains when the command line names none: MAE runs a
 * Vision Transformer on the visible patches, so `mae` gets `vit`; every
 * other image method the small conv encoder.
 */
export function defaultImageEncoder(method: string): ImageEncoderKind {
  return method === 'mae' ? 'vit' : 'conv';
}

/**
 * A fresh image encoder of `kind` for images `[H, W, C]`, seeded: `conv` is
 * `convEncoder()`, `vit` is `vit()` with its CPU defaults (patch 4 when it
 * divides H and W, else 7; dim 64, depth 4, 4 heads, MLP ratio 2) with mean
 * pooling (MAE's fine-tuning representation; its class token is barely trained
 * by the reconstruction).
 */
export function imageEncoder(
  kind: ImageEncoderKind,
  inputShape: [number, number, number],
  seed: number,
): LayersModel {
  if (kind === 'vit') return vit({ inputShape, seed, pooling: 'mean' });
  return convEncoder({ inputShape, seed });
}

import type * as tfl from '@tensorflow/tfjs-layers';

/**
 * What a saved encoder says about its input, stored in its model.json as
 * `userDefinedMetadata.ssl` (tfjs keeps it through save and load), so that
 * `ssl eval`, `embed` and `classify` read images the way it was trained on.
 */
export interface EncoderMetadata {
  /** `[height, width, channels]` of one image. */
  inputShape: number[];
  channels: number;
  /** Pixel values the encoder was trained on: `[0, 1]` for every built-in data source. */
  pixelRange: [number, number];
  /** The pretraining method (`simclr`, ...), when known. */
  method?: string;
  /** The architecture (`conv`, `resnet18`, ...) and its width multiplier. */
  encoder?: string;
  width?: number;
  /** The data it was pretrained on (`mnist` or a folder path), when known. */
  data?: string;
}

/** Stores `meta` in `model` (written by the next `saveModel`). */
export function setEncoderMetadata(model: tfl.LayersModel, meta: EncoderMetadata): void {
  const old = (model.getUserDefinedMetadata() ?? {}) as Record<string, unknown>;
  model.setUserDefinedMetadata({ ...old, ssl: meta });
}

/**
 * The encoder's metadata: what its model.json stores, or, for a model saved
 * without it, what its input shape says (pixel range assumed `[0, 1]`).
 */
export function encoderMetadata(model: tfl.LayersModel): EncoderMetadata {
  const stored = (model.getUserDefinedMetadata() as { ssl?: EncoderMetadata } | undefined)?.ssl;
  if (stored && Array.isArray(stored.inputShape)) return stored;
  const shape = model.inputs[0].shape.slice(1).map((d) => d ?? -1);
  return { inputShape: shape, channels: shape[shape.length - 1], pixelRange: [0, 1] };
}

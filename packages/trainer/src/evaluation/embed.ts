import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** What {@link embed} maps: one tensor `[N, ...]` (images, features) or named tensors with the same `N` (`{ inputIds, attentionMask }`). */
export type EmbedInputs = tf.Tensor | Record<string, tf.Tensor>;

/** Options of {@link embed}. */
export interface EmbedOptions {
  /** Examples per forward pass; bounds peak memory. Default 256. */
  batchSize?: number;
}

/** `input_ids`, `input_ids_1` and `inputIds` name the same input. */
const key = (name: string) =>
  name
    .replace(/:\d+$/, '')
    .replace(/_\d+$/, '') // tfjs's suffix for a second model with the same input names
    .replace(/_/g, '')
    .toLowerCase();

/** The rows `[start, start + size)` of `inputs`, in the encoder's input order. */
function slice(
  fn: string,
  encoder: tfl.LayersModel,
  inputs: EmbedInputs,
  start: number,
  size: number,
): tf.Tensor | tf.Tensor[] {
  return modelInput(fn, encoder, inputs, (t) => tf.slice(t, start, size));
}

/**
 * `rows(t)` of each tensor of `inputs` (e.g. a gather of a batch), as the
 * model's input: one tensor, or an array in the model's input order, named
 * inputs matched by name (`inputIds` feeds `input_ids`).
 */
export function modelInput(
  fn: string,
  encoder: tfl.LayersModel,
  inputs: EmbedInputs,
  rows: (t: tf.Tensor) => tf.Tensor,
): tf.Tensor | tf.Tensor[] {
  if (inputs instanceof tf.Tensor) return rows(inputs);
  const names = encoder.inputs.map((i) => i.name);
  if (names.length === 1 && Object.keys(inputs).length === 1) return rows(Object.values(inputs)[0]);
  return names.map((name) => {
    const match = Object.entries(inputs).find(([k]) => key(k) === key(name));
    if (!match) {
      throw new Error(
        `${fn}: inputs has no tensor for the encoder input '${name}', got [${Object.keys(inputs)}]`,
      );
    }
    return rows(match[1]);
  });
}

/** The index of the model's attention-mask input (`attention_mask`), or -1. */
export function maskInputIndex(encoder: tfl.LayersModel): number {
  return encoder.inputs.findIndex((input) => key(input.name).startsWith('attentionmask'));
}

/** The attention mask among named inputs, if any (`attentionMask` / `attention_mask`). */
function maskOf(x: tf.Tensor | tf.Tensor[], encoder: tfl.LayersModel): tf.Tensor | undefined {
  if (!Array.isArray(x)) return undefined;
  const i = maskInputIndex(encoder);
  return i >= 0 ? x[i] : undefined;
}

/**
 * Maps examples of any modality through a frozen encoder in inference mode
 * (batch norm uses its moving statistics, dropout is off), `batchSize` at a
 * time, and returns the representations `[N, D]`. `inputs` is one tensor
 * (images `[N, H, W, C]`, features, token ids) or named tensors passed to a
 * multi-input encoder by name (`inputIds` feeds `input_ids`). A sequence
 * output `[N, T, D]` is mean-pooled over the tokens of the attention mask when
 * the encoder takes one; any other output of higher rank is flattened.
 * Intermediates are freed; the caller disposes the result.
 *
 * @example
 * const feats = embed(encoder, testImages, { batchSize: 512 }); // [N, D]
 * const texts = embed(bert, { inputIds, attentionMask }); // [N, D], masked mean over tokens
 */
export function embed(
  encoder: tfl.LayersModel,
  inputs: EmbedInputs,
  { batchSize = 256 }: EmbedOptions = {},
): tf.Tensor2D {
  const fn = 'embed';
  if (encoder == null || typeof (encoder as { apply?: unknown }).apply !== 'function') {
    throw new Error(`${fn}: encoder must be a tfjs LayersModel, got ${encoder}`);
  }
  const n = exampleCount(fn, 'inputs', inputs);
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) {
    throw new Error(`${fn}: batchSize must be an integer >= 1, got ${batchSize}`);
  }
  return tf.tidy(() => {
    const parts: tf.Tensor2D[] = [];
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      const part = tf.tidy(() => {
        const x = slice(fn, encoder, inputs, start, size);
        const y = encoder.apply(x, { training: false });
        if (Array.isArray(y) || !(y instanceof tf.Tensor)) {
          throw new Error(
            `${fn}: encoder must have exactly one output, got ${Array.isArray(y) ? y.length : typeof y}`,
          );
        }
        const mask = maskOf(x, encoder);
        if (y.rank === 3 && mask) {
          const w = tf.expandDims(tf.cast(mask, 'float32'), -1); // [size, T, 1]
          return tf.div(tf.sum(tf.mul(y, w), 1), tf.maximum(tf.sum(w, 1), 1)) as tf.Tensor2D; // [size, D]
        }
        return tf.reshape(y, [size, -1]) as tf.Tensor2D; // [size, ...] -> [size, D]
      });
      parts.push(part);
    }
    return parts.length === 1 ? parts[0] : (tf.concat(parts, 0) as tf.Tensor2D);
  });
}

/** The number of examples N of `inputs` (checked: tensors, rank >= 1, the same N). */
export function exampleCount(fn: string, arg: string, inputs: EmbedInputs): number {
  const tensors = inputs instanceof tf.Tensor ? [inputs] : Object.values(inputs ?? {});
  if (
    !inputs ||
    typeof inputs !== 'object' ||
    tensors.length === 0 ||
    !tensors.every((t) => t instanceof tf.Tensor && t.rank >= 1)
  ) {
    throw new Error(
      `${fn}: ${arg} must be a tensor [N, ...] or an object of such tensors, got ${
        inputs instanceof tf.Tensor ? `shape [${inputs.shape}]` : typeof inputs
      }`,
    );
  }
  const n = tensors[0].shape[0];
  if (tensors.some((t) => t.shape[0] !== n)) {
    throw new Error(
      `${fn}: every tensor of ${arg} must have the same number of rows, got [${tensors.map((t) => t.shape[0])}]`,
    );
  }
  return n;
}

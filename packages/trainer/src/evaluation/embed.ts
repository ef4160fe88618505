import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** What {@link embed} maps: one tensor `[N, ...]` (images, features) or named tensors with the same `N` (`{ inputIds, attentionMask }`). */
export type EmbedInputs = tf.Tensor | Record<string, tf.Tensor>;

/**
 * A `tf.data.Dataset` (or anything with its `iterator()`) whose elements are
 * tensors or objects such as `{ images, labels }`, `{ xs, ys }`, `{ image }`,
 * `{ inputIds, attentionMask }`: single examples or batches.
 */
export interface EmbedDataset {
  iterator(): Promise<{ next(): Promise<IteratorResult<unknown>> }>;
}

/** The fields that hold an example's inputs, in the order they are looked for. */
const INPUT_FIELDS = ['images', 'image', 'xs', 'x'];
/** Fields that are never inputs. */
const LABEL_FIELDS = ['labels', 'label', 'ys', 'y'];

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
 * `inputs` may also be a labelled set `{ images, labels }` (its inputs are
 * embedded) or a `tf.data.Dataset` of tensors or of `{ images }`, `{ xs }`,
 * `{ image }`, `{ inputIds, attentionMask }` elements, single examples
 * (stacked `batchSize` at a time) or batches — then the result is a Promise.
 * Intermediates are freed; the caller disposes the result.
 *
 * @example
 * const feats = embed(encoder, testImages, { batchSize: 512 }); // [N, D]
 * const fromSet = await embed(encoder, tf.data.array(list).map((x) => ({ xs: x }))); // a dataset
 * const texts = embed(bert, { inputIds, attentionMask }); // [N, D], masked mean over tokens
 */
export function embed(
  encoder: tfl.LayersModel,
  inputs: EmbedInputs | { images: EmbedInputs; labels: tf.Tensor },
  options?: EmbedOptions,
): tf.Tensor2D;
export function embed(
  encoder: tfl.LayersModel,
  inputs: EmbedDataset,
  options?: EmbedOptions,
): Promise<tf.Tensor2D>;
export function embed(
  encoder: tfl.LayersModel,
  inputs: EmbedInputs | { images: EmbedInputs; labels: tf.Tensor } | EmbedDataset,
  { batchSize = 256 }: EmbedOptions = {},
): tf.Tensor2D | Promise<tf.Tensor2D> {
  const fn = 'embed';
  if (encoder == null || typeof (encoder as { apply?: unknown }).apply !== 'function') {
    throw new Error(`${fn}: encoder must be a tfjs LayersModel, got ${encoder}`);
  }
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) {
    throw new Error(`${fn}: batchSize must be an integer >= 1, got ${batchSize}`);
  }
  if (isDataset(inputs)) return embedDataset(fn, encoder, inputs, batchSize);
  return embedTensors(fn, encoder, inputsOf(inputs as EmbedInputs), batchSize);
}

function isDataset(x: unknown): x is EmbedDataset {
  return (
    x != null &&
    typeof x === 'object' &&
    !(x instanceof tf.Tensor) &&
    typeof (x as { iterator?: unknown }).iterator === 'function'
  );
}

/**
 * The inputs among an example's fields: a labelled set `{ images, labels }`
 * (or `{ xs, ys }`, `{ image }`, `{ x }`) gives its inputs field; named inputs
 * (`{ inputIds, attentionMask }`) stay, without label fields.
 */
export function inputsOf(x: EmbedInputs): EmbedInputs {
  if (x == null || typeof x !== 'object' || x instanceof tf.Tensor) return x;
  const rec = x as Record<string, unknown>;
  const field = INPUT_FIELDS.find((k) => rec[k] != null);
  if (field) return inputsOf(rec[field] as EmbedInputs);
  const named = Object.entries(x).filter(([k]) => !LABEL_FIELDS.includes(k));
  return named.length === Object.keys(x).length ? x : Object.fromEntries(named);
}

/** Embeds a dataset of single examples (stacked into batches) or of batches. */
async function embedDataset(
  fn: string,
  encoder: tfl.LayersModel,
  ds: EmbedDataset,
  batchSize: number,
): Promise<tf.Tensor2D> {
  const inputRank = encoder.inputs[0].shape.length; // with the batch axis
  const parts: tf.Tensor2D[] = [];
  let pending: EmbedInputs[] = [];
  let held: unknown[] = []; // the elements behind `pending`, disposed once embedded
  const flush = () => {
    if (pending.length === 0) return;
    const batch = stackExamples(pending);
    try {
      parts.push(embedTensors(fn, encoder, batch, batchSize));
    } finally {
      tf.dispose(batch as tf.TensorContainer);
      tf.dispose(held as tf.TensorContainer);
      pending = [];
      held = [];
    }
  };
  try {
    const it = await ds.iterator();
    for (;;) {
      const { value, done } = await it.next();
      if (done) break;
      const x = inputsOf(value as EmbedInputs);
      const first = x instanceof tf.Tensor ? x : Object.values(x ?? {})[0];
      if (!(first instanceof tf.Tensor)) {
        tf.dispose(value as tf.TensorContainer);
        throw new Error(
          `${fn}: dataset elements must be tensors or objects of tensors ({ images }, { xs }, { inputIds, attentionMask }), got ${typeof value}`,
        );
      }
      // a first input of the encoder's rank (with the batch axis) is a batch; one less, an example
      if (first.rank === inputRank) {
        flush();
        try {
          parts.push(embedTensors(fn, encoder, x, batchSize));
        } finally {
          tf.dispose(value as tf.TensorContainer);
        }
      } else {
        pending.push(x);
        held.push(value);
        if (pending.length >= batchSize) flush();
      }
    }
    flush();
    if (parts.length === 0) throw new Error(`${fn}: the dataset is empty`);
    return parts.length === 1 ? parts[0] : tf.tidy(() => tf.concat(parts, 0) as tf.Tensor2D);
  } finally {
    tf.dispose(held as tf.TensorContainer);
    if (parts.length > 1) tf.dispose(parts);
  }
}

/** Single examples stacked into one batch: a tensor, or named tensors stacked by name. */
function stackExamples(examples: EmbedInputs[]): EmbedInputs {
  return tf.tidy(() => {
    const first = examples[0];
    if (first instanceof tf.Tensor) return tf.stack(examples as tf.Tensor[]);
    return Object.fromEntries(
      Object.keys(first).map((k) => [
        k,
        tf.stack(examples.map((e) => (e as Record<string, tf.Tensor>)[k])),
      ]),
    );
  });
}

/** {@link embed} of tensors: `batchSize` rows per encoder pass. */
function embedTensors(
  fn: string,
  encoder: tfl.LayersModel,
  inputs: EmbedInputs,
  batchSize: number,
): tf.Tensor2D {
  const n = exampleCount(fn, 'inputs', inputs);
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

import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

import { embed, exampleCount, type EmbedInputs } from './embed';

/**
 * A labelled split for evaluation: the examples, of any modality (images
 * `[N, H, W, C]`, features `[N, D]`, or named tensors such as
 * `{ inputIds, attentionMask }` for a text encoder; mapped by an encoder, or
 * flattened to raw values when no encoder is given), and their integer class
 * labels `[N]`. (`images` is the field's historical name: it takes any inputs.)
 */
export interface LabelledSet {
  images: tf.Tensor4D | tf.Tensor2D | EmbedInputs;
  labels: tf.Tensor1D;
}

/** Checks a {@link LabelledSet} and returns its labels as a JS array of integers. */
export function checkLabelledSet(fn: string, arg: string, set: LabelledSet): number[] {
  if (set == null || set.images == null || !(set.labels instanceof tf.Tensor)) {
    throw new Error(
      `${fn}: ${arg} must be { images: Tensor, labels: Tensor1D }, got ${describe(set)}`,
    );
  }
  const { images, labels } = set;
  const rows = exampleCount(fn, `${arg}.images`, images);
  if (labels.rank !== 1) {
    throw new Error(`${fn}: ${arg}.labels must be a 1-D tensor [N], got shape [${labels.shape}]`);
  }
  if (labels.shape[0] !== rows) {
    throw new Error(
      `${fn}: ${arg}.labels has ${labels.shape[0]} entries but ${arg}.images has ${rows} rows`,
    );
  }
  if (rows === 0) throw new Error(`${fn}: ${arg} is empty`);
  const ys = Array.from(labels.dataSync());
  ys.forEach((y, i) => {
    if (!Number.isInteger(y) || y < 0) {
      throw new Error(`${fn}: ${arg}.labels must be non-negative integers, got ${y} at index ${i}`);
    }
  });
  return ys;
}

/**
 * Checks the options object of an evaluation over a labelled `train` and
 * `test` set, and returns both sets' labels as JS arrays of integers.
 */
export function checkTrainTest(
  fn: string,
  options: { train: LabelledSet; test: LabelledSet },
): { trainY: number[]; testY: number[] } {
  if (options == null || typeof options !== 'object') {
    throw new Error(`${fn}: options must be an object { train, test, ... }, got ${options}`);
  }
  return {
    trainY: checkLabelledSet(fn, 'train', options.train),
    testY: checkLabelledSet(fn, 'test', options.test),
  };
}

/**
 * The 2-D features of a set: `encoder(inputs)` when an encoder is given (batched,
 * any modality, see {@link embed}), else the tensor flattened to `[N, ...]` (raw
 * pixels), or the given `[N, D]` features as they are (a new tensor the caller disposes).
 */
export function featuresOf(
  fn: string,
  encoder: tfl.LayersModel | undefined,
  x: EmbedInputs,
  batchSize: number,
  arg = 'images',
): tf.Tensor2D {
  if (encoder) return embed(encoder, x, { batchSize });
  if (!(x instanceof tf.Tensor)) {
    throw new Error(`${fn}: ${arg} as named inputs [${Object.keys(x)}] need an encoder`);
  }
  if (x.rank !== 4 && x.rank !== 2) {
    throw new Error(
      `${fn}: ${arg} must be a 4-D tensor [N, H, W, C] or 2-D features [N, D], got shape [${x.shape}]`,
    );
  }
  // [N, H, W, C] -> [N, H*W*C]; [N, D] stays.
  return tf.tidy(() => tf.reshape(tf.cast(x, 'float32'), [x.shape[0], -1]) as tf.Tensor2D);
}

/** Largest label + 1 over the given label arrays, or `given` when set (checked). */
export function classCount(
  fn: string,
  given: number | undefined,
  ...labelLists: number[][]
): number {
  let max = -1;
  for (const ys of labelLists) for (const y of ys) if (y > max) max = y;
  if (given == null) return max + 1;
  if (!(Number.isInteger(given) && given > max)) {
    throw new Error(
      `${fn}: numClasses must be an integer > the largest label ${max}, got ${given}`,
    );
  }
  return given;
}

export function checkPositiveInt(fn: string, name: string, v: number): void {
  if (!(Number.isInteger(v) && v >= 1))
    throw new Error(`${fn}: ${name} must be an integer >= 1, got ${v}`);
}

export function checkNonNegative(fn: string, name: string, v: number): void {
  if (!(Number.isFinite(v) && v >= 0))
    throw new Error(`${fn}: ${name} must be a finite number >= 0, got ${v}`);
}

export function checkPositive(fn: string, name: string, v: number): void {
  if (!(Number.isFinite(v) && v > 0))
    throw new Error(`${fn}: ${name} must be a finite number > 0, got ${v}`);
}

function describe(x: unknown): string {
  if (x == null) return String(x);
  if (typeof x !== 'object') return typeof x;
  return `{ ${Object.keys(x).join(', ')} }`;
}

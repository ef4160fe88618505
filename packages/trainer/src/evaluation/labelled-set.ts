import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

import { embed } from './embed';

/**
 * A labelled split for evaluation: images `[N, H, W, C]` (mapped by an encoder,
 * or flattened to raw pixels when no encoder is given) or features `[N, D]`,
 * and their integer class labels `[N]`.
 */
export interface LabelledSet {
  images: tf.Tensor4D | tf.Tensor2D;
  labels: tf.Tensor1D;
}

/** Checks a {@link LabelledSet} and returns its labels as a JS array of integers. */
export function checkLabelledSet(fn: string, arg: string, set: LabelledSet): number[] {
  if (set == null || !(set.images instanceof tf.Tensor) || !(set.labels instanceof tf.Tensor)) {
    throw new Error(
      `${fn}: ${arg} must be { images: Tensor, labels: Tensor1D }, got ${describe(set)}`,
    );
  }
  const { images, labels } = set;
  if (images.rank !== 4 && images.rank !== 2) {
    throw new Error(
      `${fn}: ${arg}.images must be a 4-D tensor [N, H, W, C] or 2-D features [N, D], got shape [${images.shape}]`,
    );
  }
  if (labels.rank !== 1) {
    throw new Error(`${fn}: ${arg}.labels must be a 1-D tensor [N], got shape [${labels.shape}]`);
  }
  if (labels.shape[0] !== images.shape[0]) {
    throw new Error(
      `${fn}: ${arg}.labels has ${labels.shape[0]} entries but ${arg}.images has ${images.shape[0]} rows`,
    );
  }
  if (images.shape[0] === 0) throw new Error(`${fn}: ${arg} is empty`);
  const ys = Array.from(labels.dataSync());
  ys.forEach((y, i) => {
    if (!Number.isInteger(y) || y < 0) {
      throw new Error(`${fn}: ${arg}.labels must be non-negative integers, got ${y} at index ${i}`);
    }
  });
  return ys;
}

/**
 * The 2-D features of a set: `encoder(images)` when an encoder is given (batched,
 * see {@link embed}), else the images flattened to `[N, H*W*C]` (raw pixels), or
 * the given `[N, D]` features as they are (a new tensor the caller disposes).
 */
export function featuresOf(
  fn: string,
  encoder: tfl.LayersModel | undefined,
  x: tf.Tensor4D | tf.Tensor2D,
  batchSize: number,
): tf.Tensor2D {
  if (encoder) {
    if (x.rank !== 4) {
      throw new Error(
        `${fn}: with an encoder, images must be 4-D [N, H, W, C], got shape [${x.shape}]`,
      );
    }
    return embed(encoder, x as tf.Tensor4D, { batchSize });
  }
  // [N, H, W, C] -> [N, H*W*C]; [N, D] stays.
  return tf.tidy(() => tf.reshape(x, [x.shape[0], -1]) as tf.Tensor2D);
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

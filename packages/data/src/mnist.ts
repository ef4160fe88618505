import * as tf from '@tensorflow/tfjs-core';
import * as tfd from '@tensorflow/tfjs-data';
import { loadMnist, type MnistArrays, type MnistSplit } from './load-mnist';
import { checkSeed, indexDataset, type ShuffleOptions } from './order';

/** One MNIST element: a [28, 28, 1] float32 image in [0, 1], and its digit when `labels` is on. */
export type MnistElement = { image: tf.Tensor3D; label?: number };

/** Options of {@link mnist}. */
export type MnistOptions = ShuffleOptions & {
  /** `'train'` (7,996 images), `'test'` (2,004) or `'all'` (10,000). Default `'train'`. */
  split?: MnistSplit;
  /**
   * Use only the first `limit` images of the split (all of them when it has
   * fewer), taken in the class-balanced round-robin order of {@link loadMnist}
   * before any shuffle, so the subset does not depend on the seed. Default:
   * the whole split.
   */
  limit?: number;
  /** Include `label` (the digit, 0..9) in each element. Default `true`. */
  labels?: boolean;
};

/** Options of {@link mnistTensors}. */
export type MnistTensorsOptions = {
  /** `'train'`, `'test'` or `'all'`. Default `'train'`. */
  split?: MnistSplit;
  /** Use only the first `limit` images of the split (see {@link MnistOptions.limit}). Default: all. */
  limit?: number;
};

const SHAPE: [number, number, number] = [28, 28, 1];
const PIXELS = 28 * 28;

/**
 * The bundled MNIST digits (see {@link loadMnist} for the fixed 80/20 split
 * and its counts) as a `tf.data.Dataset` of `{ image, label }`. Each image
 * tensor is created when the element is read, so a pass holds only what the
 * consumer keeps; the caller disposes the elements (batching does so for you
 * with the standard `dataset.batch(n)`). `dataset.size` is the element count.
 *
 * @example
 * ```ts
 * const ds = mnist({ split: 'train', shuffle: true, seed: 42 }).batch(256).prefetch(2);
 * await ds.forEachAsync(({ image, label }) => {
 *   // image: [256, 28, 28, 1] float32, label: [256] (float32 numbers from tf.data's batching)
 * });
 * ```
 */
export function mnist({
  split = 'train',
  limit,
  shuffle = false,
  seed = 0,
  labels = true,
}: MnistOptions = {}): tfd.Dataset<MnistElement> {
  checkSeed('mnist', seed);
  const data = loadMnist({ split });
  const count = limited('mnist', data, limit);
  return indexDataset(count, { shuffle, seed }).map((i) => {
    const image = tf.tensor3d(data.images.slice(i * PIXELS, (i + 1) * PIXELS), SHAPE);
    return labels ? { image, label: data.labels[i] } : { image };
  });
}

/**
 * The bundled MNIST digits of one split as two tensors, for evaluation:
 * `images` [N, 28, 28, 1] float32 in [0, 1] and `labels` [N] int32. The
 * caller disposes both.
 *
 * @example
 * ```ts
 * const { images, labels } = mnistTensors({ split: 'test', limit: 500 });
 * // … evaluate …
 * tf.dispose([images, labels]);
 * ```
 */
export function mnistTensors({ split = 'train', limit }: MnistTensorsOptions = {}): {
  images: tf.Tensor4D;
  labels: tf.Tensor1D;
} {
  const data = loadMnist({ split });
  const n = limited('mnistTensors', data, limit);
  return tf.tidy(() => ({
    images: tf.tensor4d(data.images.slice(0, n * PIXELS), [n, ...SHAPE]),
    labels: tf.tensor1d(data.labels.slice(0, n), 'int32'),
  }));
}

/** The number of images to use: `limit` checked against the split's size. */
function limited(fn: string, data: MnistArrays, limit: number | undefined): number {
  if (limit === undefined) return data.count;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new Error(`${fn}: limit must be a positive integer, got ${String(limit)}`);
  }
  return Math.min(limit, data.count);
}

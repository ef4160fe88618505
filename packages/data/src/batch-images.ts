import * as tf from '@tensorflow/tfjs-core';
import * as tfd from '@tensorflow/tfjs-data';

/** A batch of images: [B, H, W, C] float32 and, when the elements have labels, [B] int32. */
export type ImageBatch = { images: tf.Tensor4D; labels?: tf.Tensor1D };

/** Options of {@link batchImages}. */
export type BatchImagesOptions = {
  /** Keep the last, smaller batch of an epoch. Default `true`; `false` drops it (fixed batch size). */
  smallLastBatch?: boolean;
};

/**
 * Batches a dataset of `{ image, label? }` (from {@link mnist}, `imageFolder`
 * or `cifar10`) into typed `{ images, labels? }` batches. Compared with
 * `dataset.batch(n)`: the result is typed, labels are int32 (tf.data batches
 * numbers as float32), and other fields (such as `path`) are dropped instead
 * of becoming string tensors. Tensors of the elements are disposed by
 * tf.data; the consumer disposes the batches.
 *
 * @example
 * ```ts
 * const batches = batchImages(mnist({ shuffle: true, seed: 0 }), 256).prefetch(2);
 * await batches.forEachAsync(({ images, labels }) => {
 *   // images: [256, 28, 28, 1] float32, labels: [256] int32
 *   tf.dispose([images, labels]);
 * });
 * ```
 */
export function batchImages(
  dataset: tfd.Dataset<{ image: tf.Tensor3D; label?: number }>,
  batchSize: number,
  { smallLastBatch = true }: BatchImagesOptions = {},
): tfd.Dataset<ImageBatch> {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new Error(`batchImages: batchSize must be a positive integer, got ${String(batchSize)}`);
  }
  return dataset
    .map(({ image, label }) => (label === undefined ? { image } : { image, label }))
    .batch(batchSize, smallLastBatch)
    .map((batch) =>
      tf.tidy(() => {
        const { image, label } = batch as { image: tf.Tensor4D; label?: tf.Tensor1D };
        return label === undefined
          ? { images: image }
          : { images: image, labels: tf.cast(label, 'int32') as tf.Tensor1D };
      }),
    );
}

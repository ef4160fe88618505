import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** Options of {@link embed}. */
export interface EmbedOptions {
  /** Images per forward pass; bounds peak memory. Default 256. */
  batchSize?: number;
}

/**
 * Maps images through a frozen encoder in inference mode (batch norm uses its
 * moving statistics, dropout is off), `batchSize` images at a time, and returns
 * the representations `[N, D]` (an encoder output of higher rank is flattened).
 * Intermediates are freed; the caller disposes the result.
 *
 * @example
 * const feats = embed(encoder, testImages, { batchSize: 512 }); // [N, D]
 */
export function embed(
  encoder: tfl.LayersModel,
  images: tf.Tensor4D,
  { batchSize = 256 }: EmbedOptions = {},
): tf.Tensor2D {
  const fn = 'embed';
  if (encoder == null || typeof (encoder as { apply?: unknown }).apply !== 'function') {
    throw new Error(`${fn}: encoder must be a tfjs LayersModel, got ${encoder}`);
  }
  if (!(images instanceof tf.Tensor) || images.rank !== 4) {
    throw new Error(
      `${fn}: images must be a 4-D tensor [N, H, W, C], got ${images instanceof tf.Tensor ? `shape [${images.shape}]` : images}`,
    );
  }
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) {
    throw new Error(`${fn}: batchSize must be an integer >= 1, got ${batchSize}`);
  }
  const n = images.shape[0];
  return tf.tidy(() => {
    const parts: tf.Tensor2D[] = [];
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      const part = tf.tidy(() => {
        const x = tf.slice(images, [start, 0, 0, 0], [size, -1, -1, -1]);
        const y = encoder.apply(x, { training: false });
        if (Array.isArray(y) || !(y instanceof tf.Tensor)) {
          throw new Error(
            `${fn}: encoder must have exactly one output, got ${Array.isArray(y) ? y.length : typeof y}`,
          );
        }
        // [size, ...] -> [size, D]
        return tf.reshape(y, [size, -1]) as tf.Tensor2D;
      });
      parts.push(part);
    }
    return parts.length === 1 ? parts[0] : (tf.concat(parts, 0) as tf.Tensor2D);
  });
}

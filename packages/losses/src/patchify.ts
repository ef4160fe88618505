import * as tf from '@tensorflow/tfjs-core';
import { assertTensor } from './validate';

function checkPatch(fn: string, p: unknown): asserts p is number {
  if (typeof p !== 'number' || !Number.isInteger(p) || p < 1) {
    throw new Error(`${fn}: patchSize must be an integer >= 1, got ${String(p)}`);
  }
}

/**
 * Cuts images into non-overlapping `p x p` patches, each flattened in
 * (row, column, channel) order, patches in raster order (MAE's `patchify`
 * for NHWC): `[N, H, W, C] -> [N, L, p·p·C]` with `L = (H/p)·(W/p)`.
 * A `p x p` convolution with stride `p` whose kernel `[p, p, C, D]` is read
 * as a `[p·p·C, D]` matrix gives the same patch embedding as a dense layer on
 * these rows.
 *
 * @param images float32 `[N, H, W, C]`; H and W divisible by `patchSize`.
 * @example
 * ```ts
 * const patches = patchify(tf.zeros([8, 28, 28, 1]), 7); // [8, 16, 49]
 * ```
 */
export function patchify(images: tf.Tensor4D, patchSize: number): tf.Tensor3D {
  const fn = 'patchify';
  assertTensor(fn, 'images', images, 4, '[N, H, W, C]');
  checkPatch(fn, patchSize);
  const [n, height, width, c] = images.shape;
  const p = patchSize;
  if (height % p !== 0 || width % p !== 0) {
    throw new Error(
      `${fn}: image height and width must be divisible by patchSize ${p}, got [${height},${width}]`,
    );
  }
  const h = height / p;
  const w = width / p;
  return tf.tidy(() => {
    // [N, H, W, C] -> [N·h, p, w, p·C]: row block, row in patch, column block, (column in patch, channel)
    const x = tf.reshape(images, [n * h, p, w, p * c]);
    // -> [N·h, w, p, p·C] -> [N, h·w, p·p·C]
    return tf.reshape(tf.transpose(x, [0, 2, 1, 3]), [n, h * w, p * p * c]);
  });
}

/**
 * The inverse of {@link patchify}: `[N, L, p·p·C] -> [N, H, W, C]` for images
 * of `shape` `[H, W, C]` (so `L = (H/p)·(W/p)`).
 *
 * @example
 * ```ts
 * const images = unpatchify(patches, 7, [28, 28, 1]); // [N, 28, 28, 1]
 * ```
 */
export function unpatchify(
  patches: tf.Tensor3D,
  patchSize: number,
  shape: [number, number, number],
): tf.Tensor4D {
  const fn = 'unpatchify';
  assertTensor(fn, 'patches', patches, 3, '[N, L, p*p*C]');
  checkPatch(fn, patchSize);
  const p = patchSize;
  const ok =
    Array.isArray(shape) &&
    shape.length === 3 &&
    shape.every((d) => Number.isInteger(d) && d >= 1) &&
    shape[0] % p === 0 &&
    shape[1] % p === 0;
  if (!ok) {
    throw new Error(
      `${fn}: shape must be [H, W, C] with H and W divisible by patchSize ${p}, got ${JSON.stringify(shape)}`,
    );
  }
  const [height, width, c] = shape;
  const [n, l, d] = patches.shape;
  const h = height / p;
  const w = width / p;
  if (l !== h * w || d !== p * p * c) {
    throw new Error(
      `${fn}: patches must be [N, ${h * w}, ${p * p * c}] for images [${shape}] and patchSize ${p}, got [${patches.shape}]`,
    );
  }
  return tf.tidy(() => {
    // [N, h·w, p·p·C] -> [N·h, w, p, p·C] -> [N·h, p, w, p·C] -> [N, H, W, C]
    const x = tf.transpose(tf.reshape(patches, [n * h, w, p, p * c]), [0, 2, 1, 3]);
    return tf.reshape(x, [n, height, width, c]);
  });
}

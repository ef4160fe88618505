import * as tf from '@tensorflow/tfjs-core';

/**
 * Inverse affine maps, one per image: output pixel (x, y) samples the input at
 * `(a0 x + a1 y + a2, b0 x + b1 y + b2)` (pixel indices; tf.image.transform's
 * row layout without the projective terms).
 */
export type InverseAffine = readonly [number, number, number, number, number, number];

/**
 * Warps each image by its inverse affine map with bilinear sampling; samples
 * outside the image read 0 (`tf.image.transform(..., 'bilinear', 'constant', 0)`).
 *
 * On every backend but `cpu` this is one batched `tf.image.transform` with the
 * per-image matrices. The tfjs 4.22 `cpu` kernel of Transform only fills the
 * first image of a batch (it returns inside its batch loop), so there the same
 * sampling is done by {@link warpAffineByGather}.
 */
export function warpAffine(images: tf.Tensor4D, maps: readonly InverseAffine[]): tf.Tensor4D {
  if (tf.getBackend() === 'cpu') return warpAffineByGather(images, maps);
  const n = images.shape[0];
  const rows = new Float32Array(n * 8); // [N, 8]: a0 a1 a2 b0 b1 b2 c0 c1, c = 0 (affine)
  maps.forEach((m, i) => rows.set(m, i * 8));
  return tf.tidy(() => {
    const out = tf.image.transform(images, tf.tensor2d(rows, [n, 8]), 'bilinear', 'constant', 0);
    return tf.clipByValue(out, 0, 1) as tf.Tensor4D;
  });
}

/**
 * The same bilinear warp as one gather: the four neighbours' flat indices and
 * weights are computed in JavaScript (`[N·H·W·C, 4]`, weight 0 outside the
 * image), the pixels gathered in one op and summed with their weights.
 */
export function warpAffineByGather(
  images: tf.Tensor4D,
  maps: readonly InverseAffine[],
): tf.Tensor4D {
  const [n, h, w, c] = images.shape;
  const count = n * h * w * c;
  const index = new Int32Array(count * 4);
  const weight = new Float32Array(count * 4);
  for (let b = 0; b < n; b++) {
    const [a0, a1, a2, b0, b1, b2] = maps[b];
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const sx = a0 * x + a1 * y + a2;
        const sy = b0 * x + b1 * y + b2;
        const x0 = Math.floor(sx);
        const y0 = Math.floor(sy);
        const fx = sx - x0;
        const fy = sy - y0;
        const out = ((b * h + y) * w + x) * c; // first channel of the output pixel
        for (let k = 0; k < 4; k++) {
          const xi = x0 + (k & 1);
          const yi = y0 + (k >> 1);
          if (xi < 0 || xi >= w || yi < 0 || yi >= h) continue; // weight stays 0, index 0
          const wk = ((k & 1) === 1 ? fx : 1 - fx) * (k >> 1 === 1 ? fy : 1 - fy);
          const src = ((b * h + yi) * w + xi) * c;
          for (let ch = 0; ch < c; ch++) {
            index[(out + ch) * 4 + k] = src + ch;
            weight[(out + ch) * 4 + k] = wk;
          }
        }
      }
    }
  }
  return tf.tidy(() => {
    const flat = tf.reshape(images, [count]);
    const corners = tf.reshape(tf.gather(flat, tf.tensor1d(index, 'int32')), [count, 4]);
    const mixed = tf.sum(tf.mul(corners, tf.tensor2d(weight, [count, 4])), -1); // [N·H·W·C]
    return tf.clipByValue(tf.reshape(mixed, [n, h, w, c]), 0, 1) as tf.Tensor4D;
  });
}

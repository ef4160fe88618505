import * as tf from '@tensorflow/tfjs-core';

/**
 * Batched color adjustments with one factor per image, as torchvision's
 * functional ops define them (each result clipped to [0, 1]). Factors come as
 * plain arrays of length N; they become `[N, 1, 1, 1]` tensors that broadcast
 * over the image. Internal to the package; the random ops draw the factors.
 */

/** ITU-R 601-2 luma weights, as torchvision's `rgb_to_grayscale`. */
export const LUMA_WEIGHTS = [0.2989, 0.587, 0.114] as const;

/** Per-image values as a `[N, 1, 1, 1]` tensor. */
export function perImage(values: ArrayLike<number>): tf.Tensor4D {
  return tf.tensor4d(Float32Array.from(values), [values.length, 1, 1, 1]);
}

/** `[N, H, W, 3] -> [N, H, W, 1]` luma; a 1-channel batch is returned as is (copied). */
export function luma(images: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    if (images.shape[3] === 1) return tf.clone(images);
    const [n, h, w] = images.shape;
    const pixels = tf.reshape(images, [n * h * w, 3]); // [N·H·W, 3]
    const y = tf.matMul(pixels, tf.tensor2d(Array.from(LUMA_WEIGHTS), [3, 1])); // [N·H·W, 1]
    return tf.reshape(y, [n, h, w, 1]) as tf.Tensor4D;
  });
}

/**
 * Per image: its luma `w · (R, G, B)` in all three channels when `gray[n]`,
 * else the image unchanged (exactly), as one batched color-matrix product.
 */
export function grayscaleWhere(images: tf.Tensor4D, gray: readonly boolean[]): tf.Tensor4D {
  const mats = new Float32Array(gray.length * 9);
  gray.forEach((g, n) => {
    for (let j = 0; j < 3; j++) {
      for (let k = 0; k < 3; k++) mats[n * 9 + j * 3 + k] = g ? LUMA_WEIGHTS[j] : j === k ? 1 : 0;
    }
  });
  return colorMatrix(images, mats);
}

/** `clip(f * x)` per image. */
export function adjustBrightness(images: tf.Tensor4D, factors: ArrayLike<number>): tf.Tensor4D {
  return tf.tidy(() => tf.clipByValue(tf.mul(images, perImage(factors)), 0, 1) as tf.Tensor4D);
}

/** `clip(f * x + (1 - f) * m)` with m the image's mean luma, per image. */
export function adjustContrast(images: tf.Tensor4D, factors: ArrayLike<number>): tf.Tensor4D {
  return tf.tidy(() => {
    const mean = tf.mean(luma(images), [1, 2, 3], true) as tf.Tensor4D; // [N, 1, 1, 1]
    return blend(images, mean, perImage(factors));
  });
}

/** `clip(f * x + (1 - f) * luma(x))` per image; identity for 1 channel. */
export function adjustSaturation(images: tf.Tensor4D, factors: ArrayLike<number>): tf.Tensor4D {
  if (images.shape[3] === 1) return tf.clone(images);
  // Row-vector matrix A = f I + (1 - f) w 1^T: out_k = f x_k + (1 - f) sum_j w_j x_j.
  const mats = new Float32Array(factors.length * 9);
  for (let n = 0; n < factors.length; n++) {
    const f = factors[n];
    for (let j = 0; j < 3; j++) {
      for (let k = 0; k < 3; k++) {
        mats[n * 9 + j * 3 + k] = (j === k ? f : 0) + (1 - f) * LUMA_WEIGHTS[j];
      }
    }
  }
  return colorMatrix(images, mats);
}

/** YIQ (NTSC) from RGB, rows Y, I, Q. */
export const RGB_TO_YIQ = [
  [0.299, 0.587, 0.114],
  [0.596, -0.274, -0.322],
  [0.211, -0.523, 0.312],
] as const;

type Mat3 = readonly (readonly number[])[];

function mul3(a: Mat3, b: Mat3): number[][] {
  return [0, 1, 2].map((i) =>
    [0, 1, 2].map((j) => a[i][0] * b[0][j] + a[i][1] * b[1][j] + a[i][2] * b[2][j]),
  );
}

/** Inverse of a 3×3 matrix by cofactors. */
function invert3(m: Mat3): number[][] {
  const [[a, b, c], [d, e, f], [g, h, i]] = m;
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  return [
    [A / det, -(b * i - c * h) / det, (b * f - c * e) / det],
    [B / det, (a * i - c * g) / det, -(a * f - c * d) / det],
    [C / det, -(a * h - b * g) / det, (a * e - b * d) / det],
  ];
}

const YIQ_TO_RGB = invert3(RGB_TO_YIQ);

/**
 * Rotates the hue by `shift` turns (in [-0.5, 0.5]) per image as a rotation of
 * the chroma plane (I, Q) of YIQ by -2π·shift (the sign that moves red towards
 * yellow and green, as a positive HSV hue shift does): one per-image 3×3 color
 * matrix, luma kept, clipped to [0, 1]. Identity for 1 channel. Approximates
 * torchvision's HSV hue shift ({@link adjustHueHsv}) at a fraction of the cost.
 */
export function adjustHue(images: tf.Tensor4D, shifts: ArrayLike<number>): tf.Tensor4D {
  if (images.shape[3] === 1) return tf.clone(images);
  const mats = new Float32Array(shifts.length * 9);
  for (let n = 0; n < shifts.length; n++) {
    const a = -2 * Math.PI * shifts[n];
    const [c, s] = [Math.cos(a), Math.sin(a)];
    const rot = [
      [1, 0, 0],
      [0, c, -s],
      [0, s, c],
    ];
    // Column form M = YIQ_TO_RGB · rot · RGB_TO_YIQ, stored transposed (row form).
    const m = mul3(YIQ_TO_RGB, mul3(rot, RGB_TO_YIQ));
    for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) mats[n * 9 + j * 3 + k] = m[k][j];
  }
  return colorMatrix(images, mats);
}

/**
 * Shifts the HSV hue by `shift` turns (in [-0.5, 0.5]) per image, exactly as
 * torchvision's `adjust_hue` (RGB -> HSV -> RGB, ~40 elementwise ops);
 * identity for 1 channel.
 */
export function adjustHueHsv(images: tf.Tensor4D, shifts: ArrayLike<number>): tf.Tensor4D {
  return tf.tidy(() => {
    if (images.shape[3] === 1) return tf.clone(images);
    const [h, s, v] = rgbToHsv(images);
    const shifted = tf.mod(tf.add(h, perImage(shifts)), 1) as tf.Tensor4D; // floored mod: [0, 1)
    return tf.clipByValue(hsvToRgb(shifted, s, v), 0, 1);
  });
}

/**
 * `clip(x · A_n)` with per-image row-vector 3×3 matrices (`mats`: [N, 3, 3]
 * row-major): one batched matMul. An identity matrix leaves its image exactly
 * unchanged (x·1 + y·0 + z·0 = x).
 */
export function colorMatrix(images: tf.Tensor4D, mats: Float32Array): tf.Tensor4D {
  const [n, h, w] = images.shape;
  return tf.tidy(() => {
    const pixels = tf.reshape(images, [n, h * w, 3]); // [N, H·W, 3]
    const out = tf.matMul(pixels, tf.tensor3d(mats, [n, 3, 3])); // [N, H·W, 3]
    return tf.clipByValue(tf.reshape(out, [n, h, w, 3]), 0, 1) as tf.Tensor4D;
  });
}

/** `clip(f * a + (1 - f) * b)`. */
function blend(a: tf.Tensor4D, b: tf.Tensor4D, f: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() =>
    tf.clipByValue(tf.add(tf.mul(f, a), tf.mul(tf.sub(1, f), b)), 0, 1),
  ) as tf.Tensor4D;
}

/** `[N, H, W, 3]` RGB -> three `[N, H, W, 1]` tensors H (turns, [0, 1)), S, V. */
export function rgbToHsv(images: tf.Tensor4D): [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D] {
  return tf.tidy(() => {
    const [r, g, b] = tf.split(images, 3, 3) as tf.Tensor4D[]; // each [N, H, W, 1]
    const max = tf.maximum(tf.maximum(r, g), b);
    const min = tf.minimum(tf.minimum(r, g), b);
    const delta = tf.sub(max, min);
    const hasChroma = tf.greater(delta, 0);
    const safeDelta = tf.where(hasChroma, delta, tf.onesLike(delta));
    const safeMax = tf.where(tf.greater(max, 0), max, tf.onesLike(max));
    const s = tf.div(delta, safeMax) as tf.Tensor4D; // 0 where max = 0 (delta is 0 there)
    // Hue sector by which channel is the max (r first, then g, then b).
    const hr = tf.div(tf.sub(g, b), safeDelta);
    const hg = tf.add(tf.div(tf.sub(b, r), safeDelta), 2);
    const hb = tf.add(tf.div(tf.sub(r, g), safeDelta), 4);
    const sector = tf.where(tf.equal(max, r), hr, tf.where(tf.equal(max, g), hg, hb));
    const hue = tf.mod(tf.div(sector, 6), 1); // floored mod: negative r-sector wraps
    const h = tf.where(hasChroma, hue, tf.zerosLike(hue)) as tf.Tensor4D;
    return [h, s, max as tf.Tensor4D];
  });
}

/**
 * HSV -> RGB with the closed form `c_n = v - v s max(0, min(k, 4 - k, 1))`,
 * `k = (n + 6 h) mod 6`, n = 5, 3, 1 for R, G, B.
 */
export function hsvToRgb(h: tf.Tensor4D, s: tf.Tensor4D, v: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const vs = tf.mul(v, s);
    const h6 = tf.mul(h, 6);
    const channel = (n: number) => {
      const k = tf.mod(tf.add(h6, n), 6);
      const w = tf.relu(tf.minimum(tf.minimum(k, tf.sub(4, k)), 1));
      return tf.sub(v, tf.mul(vs, w));
    };
    return tf.concat([channel(5), channel(3), channel(1)], 3) as tf.Tensor4D;
  });
}

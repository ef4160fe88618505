import * as fs from 'fs';
import * as tf from '@tensorflow/tfjs-core';
import { decodeImage, rgbaToFloat } from './decode-image';

/** Options of {@link readImage}. */
export type ReadImageOptions = {
  /** Output `[height, width]` (bilinear, half-pixel centers, as {@link imageFolder}); default: the file's own size. */
  size?: [number, number];
  /** 3: RGB; 1: grayscale (luma). Default `3`. */
  channels?: 1 | 3;
};

/**
 * One PNG/JPEG file as a `[height, width, channels]` float32 tensor in [0, 1],
 * read the way {@link imageFolder} reads its elements. Throws an Error naming
 * the file when it cannot be read or decoded.
 *
 * @example
 * ```ts
 * const x = await readImage('cat.png', { size: [32, 32], channels: 3 }); // [32, 32, 3]
 * ```
 */
export async function readImage(
  file: string,
  options: ReadImageOptions = {},
): Promise<tf.Tensor3D> {
  const channels = options.channels ?? 3;
  if (channels !== 1 && channels !== 3) {
    throw new Error(`readImage: channels must be 1 or 3, got ${JSON.stringify(channels)}`);
  }
  let img;
  try {
    img = decodeImage(await fs.promises.readFile(file));
  } catch (e) {
    throw new Error(`readImage: cannot read image '${file}': ${(e as Error).message}`);
  }
  const pixels = rgbaToFloat(img, channels);
  const [height, width] = options.size ?? [img.height, img.width];
  return tf.tidy(() => {
    const full = tf.tensor3d(pixels, [img.height, img.width, channels]); // [h0, w0, c]
    if (img.height === height && img.width === width) return full;
    return tf.image.resizeBilinear(full, [height, width], false, true); // [h, w, c]
  });
}

/**
 * The size of a PNG/JPEG file and whether it is gray (R = G = B at every
 * pixel): what an image folder's first file says about the folder.
 */
export async function imageInfo(
  file: string,
): Promise<{ height: number; width: number; gray: boolean }> {
  const img = decodeImage(await fs.promises.readFile(file));
  let gray = true;
  for (let p = 0; p < img.width * img.height && gray; p++) {
    const d = img.data;
    gray = d[4 * p] === d[4 * p + 1] && d[4 * p] === d[4 * p + 2];
  }
  return { height: img.height, width: img.width, gray };
}

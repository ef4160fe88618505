import * as tf from '@tensorflow/tfjs-core';
import { resolveRng, type Rng } from './rng';
import type { Augmentation, Range } from './types';
import { assertImages, checkInt, checkRange, pixelOp } from './validate';

/** Options of {@link randomResizedCrop}. */
export interface RandomResizedCropOptions {
  /** Output `[height, width]`. Default: the input's H×W. */
  size?: readonly [number, number];
  /** Interval of the crop's area as a fraction of the image area. Default [0.08, 1]. */
  scale?: Range;
  /** Interval of the crop's aspect ratio width / height (sampled log-uniformly). Default [3/4, 4/3]. */
  ratio?: Range;
}

/** A crop box in pixels: rows top..top+height-1, columns left..left+width-1. */
export interface CropBox {
  top: number;
  left: number;
  height: number;
  width: number;
}

/**
 * torchvision's `RandomResizedCrop.get_params`: up to 10 attempts at an area
 * fraction uniform in `scale` and an aspect ratio log-uniform in `ratio`
 * (sides rounded to pixels) that fits; otherwise the largest centered crop
 * whose ratio is clamped into `ratio`.
 */
export function sampleCropBox(
  rng: Rng,
  height: number,
  width: number,
  scale: Range,
  ratio: Range,
): CropBox {
  const area = height * width;
  const logLo = Math.log(ratio[0]);
  const logHi = Math.log(ratio[1]);
  for (let attempt = 0; attempt < 10; attempt++) {
    const target = area * rng.uniform(scale[0], scale[1]);
    const aspect = Math.exp(rng.uniform(logLo, logHi));
    const w = Math.round(Math.sqrt(target * aspect));
    const h = Math.round(Math.sqrt(target / aspect));
    if (w > 0 && w <= width && h > 0 && h <= height) {
      return { top: rng.int(height - h + 1), left: rng.int(width - w + 1), height: h, width: w };
    }
  }
  // Fallback: center crop, the whole image if its ratio is within range.
  const inRatio = width / height;
  let w = width;
  let h = height;
  if (inRatio < ratio[0]) h = Math.max(1, Math.round(w / ratio[0]));
  else if (inRatio > ratio[1]) w = Math.max(1, Math.round(h * ratio[1]));
  return {
    top: Math.floor((height - h) / 2),
    left: Math.floor((width - w) / 2),
    height: h,
    width: w,
  };
}

/**
 * Crops box i of image i and resizes it to `size` with bilinear sampling at
 * half-pixel centers: output pixel (y, x) reads input row
 * `top + (y + 0.5) · height / outH - 0.5` (and likewise for columns), clamped
 * to the image (edge pixels repeat), as PyTorch's `align_corners=False`
 * resize of the cropped region (no antialiasing). One `cropAndResize` over the
 * batch, on a copy padded by one edge pixel.
 */
export function cropResize(
  images: tf.Tensor4D,
  boxes: readonly CropBox[],
  size: readonly [number, number],
): tf.Tensor4D {
  const [n, h, w] = images.shape;
  const [outH, outW] = size;
  const coords = new Float32Array(n * 4);
  // Start and end sample positions along one axis, in padded pixels (+1), normalized.
  const axis = (start: number, len: number, out: number, full: number): [number, number] => {
    const step = len / out;
    const first = start + 0.5 * step - 0.5 + 1;
    const last = start + len - 0.5 * step - 0.5 + 1;
    return [first / (full + 1), last / (full + 1)]; // padded size full + 2: last index full + 1
  };
  boxes.forEach((b, i) => {
    const [y1, y2] = axis(b.top, b.height, outH, h);
    const [x1, x2] = axis(b.left, b.width, outW, w);
    coords.set([y1, x1, y2, x2], i * 4);
  });
  return tf.tidy(() => {
    // Replicate the edge pixel so samples in [-0.5, 0] and [H-1, H-0.5] clamp to it.
    const padded = tf.mirrorPad(
      images,
      [
        [0, 0],
        [1, 1],
        [1, 1],
        [0, 0],
      ],
      'symmetric',
    );
    const boxIndex = tf.range(0, n, 1, 'int32') as tf.Tensor1D;
    const out = tf.image.cropAndResize(
      padded,
      tf.tensor2d(coords, [n, 4]),
      boxIndex,
      [outH, outW],
      'bilinear',
    );
    return tf.clipByValue(out, 0, 1) as tf.Tensor4D;
  });
}

/**
 * Random crop of random size and aspect ratio, resized to `size` (Szegedy et
 * al. 2015, "Inception"; SimCLR's main augmentation). Each image draws its own
 * box with torchvision's sampling (10 attempts, then a center-crop fallback);
 * all crops are resized in one batched `tf.image.cropAndResize`.
 *
 * Defaults: size = input H×W, scale [0.08, 1], ratio [3/4, 4/3].
 *
 * @example
 * ```ts
 * const crop = randomResizedCrop({ size: [24, 24], scale: [0.2, 1] });
 * const out = crop(images, 42); // [N, 24, 24, C]
 * ```
 */
export function randomResizedCrop(options: RandomResizedCropOptions = {}): Augmentation {
  const fn = 'randomResizedCrop';
  const { size, scale = [0.08, 1], ratio = [3 / 4, 4 / 3] } = options;
  const scaleRange = checkRange(fn, 'scale', scale, 0);
  const ratioRange = checkRange(fn, 'ratio', ratio, 0);
  if (scaleRange[1] <= 0 || ratioRange[0] <= 0) {
    throw new Error(
      `${fn}: scale must have hi > 0 and ratio lo > 0, got scale ${JSON.stringify(scale)}, ratio ${JSON.stringify(ratio)}`,
    );
  }
  if (size !== undefined) {
    if (!Array.isArray(size) || size.length !== 2) {
      throw new Error(`${fn}: size must be [height, width], got ${JSON.stringify(size)}`);
    }
    checkInt(fn, 'size[0]', size[0]);
    checkInt(fn, 'size[1]', size[1]);
  }
  return pixelOp((images, rng) => {
    assertImages(fn, images);
    const r = resolveRng(rng, fn);
    const [n, h, w] = images.shape;
    const boxes = Array.from({ length: n }, () => sampleCropBox(r, h, w, scaleRange, ratioRange));
    return cropResize(images, boxes, size ?? [h, w]);
  });
}

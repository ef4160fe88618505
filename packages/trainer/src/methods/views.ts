import type { Augmentation, Rng } from '@ssl/augment';
import { multiView, simclrAugment } from '@ssl/augment';
import * as tf from '@tensorflow/tfjs-core';
import type { Batch } from './method';

/**
 * The default augmentation for images of `inputShape` `[H, W, C]`:
 * `simclrAugment({ preset: 'digits' })` for small grayscale images
 * (H, W <= 32 and C = 1, e.g. MNIST), else `simclrAugment({ preset: 'simclr' })`.
 * `size` (`[h, w]`) makes it crop to that size instead of the input's (multi-crop).
 */
export function defaultAugment(inputShape: number[], size?: [number, number]): Augmentation {
  const preset = isDigits(inputShape) ? 'digits' : 'simclr';
  return size ? simclrAugment({ preset, crop: { size } }) : simclrAugment({ preset });
}

function isDigits(inputShape: number[]): boolean {
  const [h, w, c] = inputShape;
  return inputShape.length === 3 && h <= 32 && w <= 32 && c === 1;
}

/** Throws unless the method `fn` runs on images `[H, W, C]`. */
export function checkImages(fn: string, inputShape: number[]): void {
  if (inputShape.length !== 3) {
    throw new Error(
      `${fn}: data must be images [N, H, W, C], got examples of shape [${inputShape}]`,
    );
  }
}

/** The images `[B, H, W, C]` of a batch: its `images` field (or `image`, as datasets of examples name it). */
export function batchImages(fn: string, batch: Batch): tf.Tensor4D {
  const x = batch.images ?? batch.image;
  if (!x || x.rank !== 4) {
    throw new Error(
      `${fn}: a batch must hold images [B, H, W, C] as 'images', got ${
        x ? `shape [${x.shape}]` : `fields [${Object.keys(batch)}]`
      }`,
    );
  }
  return x as tf.Tensor4D;
}

/** Makes the views of a batch of images, outside the gradient tape. */
export type ViewMaker = (images: tf.Tensor4D, rng: Rng) => tf.Tensor4D[];

/** The first two views of a batch's images: a two-view method's `prepare` (outside the tape). */
export function twoViewsOf(
  fn: string,
  views: ViewMaker,
  batch: Batch,
  rng: Rng,
): { view0: tf.Tensor4D; view1: tf.Tensor4D } {
  const [view0, view1] = views(batchImages(fn, batch), rng);
  return { view0, view1 };
}

/**
 * Any number of views, one pipeline each (multi-crop: each pipeline may crop
 * to its own size), each drawn from its own fork of `rng`. `pipelines` is one
 * augmentation (used for `n` views) or one per view.
 */
export function imageViews(
  fn: string,
  inputShape: number[],
  pipelines: Augmentation | readonly Augmentation[] | undefined,
  n = 2,
): ViewMaker {
  checkImages(fn, inputShape);
  if (Array.isArray(pipelines)) return multiView(pipelines);
  return multiView((pipelines as Augmentation | undefined) ?? defaultAugment(inputShape), n);
}

/** Two views of a batch: the method's `augment` or the default one for the image size. */
export function twoViews(
  fn: string,
  augment: Augmentation | undefined,
  inputShape: number[],
): ViewMaker {
  return imageViews(fn, inputShape, augment, 2);
}

/** The views as named tensors `view0`, `view1`, ... (what `prepare` returns). */
export function namedViews(views: tf.Tensor4D[]): Record<string, tf.Tensor4D> {
  return Object.fromEntries(views.map((v, i) => [`view${i}`, v]));
}

/** The views `view0 .. view{n-1}` back as an array. */
export function viewList(views: Record<string, tf.Tensor>, n: number): tf.Tensor4D[] {
  return Array.from({ length: n }, (_, i) => views[`view${i}`] as tf.Tensor4D);
}

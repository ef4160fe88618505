import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfd from '@tensorflow/tfjs-data';
import { DECODE_LIMITS, decodeImage, rgbaToFloat, type DecodeLimits } from './decode-image';
import { hasExtension, linksInside, listFiles, pathKind } from './list-files';
import { checkSeed, epochDataset, type EpochDataset, type ShuffleOptions } from './order';

/** One image of an image folder. */
export type ImageFolderElement = {
  /** [height, width, channels] float32 in [0, 1]. */
  image: tf.Tensor3D;
  /** Index of the image's class in `classNames` (only when the folder has class subfolders). */
  label?: number;
  /** Absolute path of the file. */
  path: string;
};

/** Options of {@link imageFolder}. */
export type ImageFolderOptions = ShuffleOptions & {
  /** Output `[height, width]`: every image is resized to it (bilinear). Required. */
  size: [number, number];
  /** 3: RGB; 1: grayscale (luma 0.299 R + 0.587 G + 0.114 B). Alpha is ignored. Default `3`. */
  channels?: 1 | 3;
  /**
   * What to do with a file that cannot be read or decoded: `'skip'` leaves it
   * out and warns once, naming its path; `'throw'` fails the pass with an
   * Error naming the path. Default `'skip'`.
   */
  onError?: 'skip' | 'throw';
  /** Receives the warnings of `onError: 'skip'`. Default `console.warn`. */
  warn?: (message: string) => void;
} & DecodeLimits; // maxPixels, maxBytes: a file over them is skipped (or thrown) before it is read or decoded

/** The dataset of {@link imageFolder}, with what was found in the folder. */
export type ImageFolderDataset = EpochDataset<ImageFolderElement> & {
  /** Class names (the subfolder names, sorted) — `label` indexes this; empty without subfolders. */
  readonly classNames: string[];
  /** Every image file found, in the unshuffled order (absolute paths). */
  readonly files: string[];
  /** Paths skipped so far because they could not be read or decoded. */
  readonly skipped: string[];
};

/** File extensions read as images (the decoder is chosen by the file's signature). */
export const IMAGE_EXTENSIONS: readonly string[] = ['.png', '.jpg', '.jpeg'];

/**
 * A folder of PNG/JPEG images as a `tf.data.Dataset` of
 * `{ image, label?, path }`, streamed: the folder is listed once, and each file
 * is read, decoded (pngjs / jpeg-js) and resized (`tf.image.resizeBilinear`
 * with half-pixel centers) only when its element is read, so a folder larger
 * than memory works.
 *
 * Layout: `dir/<class>/**` (each subfolder holding images is a class, named
 * after the folder; classes sorted by name, `label` = index in `classNames`)
 * or images directly in `dir` (no labels). A folder with both is refused.
 * Hidden files and folders (starting with '.') and other extensions are
 * ignored. Symbolic links (files or folders, at any depth) that resolve
 * inside `dir` are skipped — a top-level link to a sibling folder is not a
 * new class holding copies; links that resolve outside `dir` are followed,
 * and a file reached through several links is read once.
 *
 * Order: with `shuffle`, pass k over the dataset visits epoch k's order, a
 * pure function of `(seed, k)`; `ds.forEpoch(e)` is epoch e's dataset on its
 * own (what a resumed run needs: no earlier pass has to be opened).
 *
 * @example
 * ```ts
 * import { imageFolder } from '@ssl/data/node';
 * const ds = imageFolder('./photos', { size: [64, 64], shuffle: true, seed: 1 });
 * console.log(ds.classNames); // e.g. ['cats', 'dogs']
 * const batches = ds.map(({ image, label }) => ({ image, label })).batch(32).prefetch(2);
 * const epoch3 = ds.forEpoch(3); // the same elements in epoch 3's order
 * ```
 */
export function imageFolder(dir: string, options: ImageFolderOptions): ImageFolderDataset {
  const opts: Partial<ImageFolderOptions> = options ?? {};
  const { channels = 3, onError = 'skip', shuffle = false, seed = 0 } = opts;
  const warn = opts.warn ?? ((m: string) => console.warn(m));
  const { maxPixels = DECODE_LIMITS.maxPixels, maxBytes = DECODE_LIMITS.maxBytes } = opts;
  for (const [name, v] of [
    ['maxPixels', maxPixels],
    ['maxBytes', maxBytes],
  ] as const) {
    if (!(typeof v === 'number' && v > 0)) {
      throw new Error(`imageFolder: options.${name} must be a number > 0, got ${String(v)}`);
    }
  }
  checkOptions(dir, opts.size, channels, onError);
  checkSeed('imageFolder', seed);
  const [height, width] = opts.size as [number, number];
  const { files, labels, classNames } = scan(dir);
  const skipped: string[] = [];

  const read = async (i: number): Promise<ImageFolderElement | null> => {
    const file = files[i];
    let pixels: Float32Array;
    let shape: [number, number, number];
    try {
      const bytes = (await fs.promises.stat(file)).size;
      if (bytes > maxBytes) {
        throw new Error(
          `the file has ${bytes} bytes, more than the limit of ${maxBytes} (maxBytes); not read`,
        );
      }
      const img = decodeImage(await fs.promises.readFile(file), { maxBytes, maxPixels });
      pixels = rgbaToFloat(img, channels);
      shape = [img.height, img.width, channels];
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      if (onError === 'throw')
        throw new Error(`imageFolder: cannot read image '${file}': ${reason}`);
      if (!skipped.includes(file)) {
        skipped.push(file);
        warn(`imageFolder: skipped '${file}' (cannot read image: ${reason})`);
      }
      return null;
    }
    const image = tf.tidy(() => {
      const full = tf.tensor3d(pixels, shape); // [h0, w0, c]
      if (shape[0] === height && shape[1] === width) return full;
      return tf.image.resizeBilinear(full, [height, width], false, true); // [h, w, c]
    });
    return labels ? { image, label: labels[i], path: file } : { image, path: file };
  };

  const ds = epochDataset('imageFolder', files.length, { shuffle, seed }, (order) =>
    tfd.generator(async function* () {
      const it = await order.iterator();
      for (;;) {
        const next = await it.next();
        if (next.done) return;
        const element = await read(next.value);
        if (element) yield element;
      }
    }),
  );
  return Object.assign(ds, { classNames, files, skipped });
}

function checkOptions(dir: unknown, size: unknown, channels: unknown, onError: unknown): void {
  if (typeof dir !== 'string' || dir.length === 0) {
    throw new Error(`imageFolder: dir must be a folder path, got ${JSON.stringify(dir)}`);
  }
  if (
    !Array.isArray(size) ||
    size.length !== 2 ||
    !size.every((s) => Number.isInteger(s) && s > 0)
  ) {
    throw new Error(
      `imageFolder: size must be [height, width] with positive integers, got ${JSON.stringify(size)}`,
    );
  }
  if (channels !== 1 && channels !== 3) {
    throw new Error(`imageFolder: channels must be 1 or 3, got ${JSON.stringify(channels)}`);
  }
  if (onError !== 'skip' && onError !== 'throw') {
    throw new Error(
      `imageFolder: onError must be 'skip' or 'throw', got ${JSON.stringify(onError)}`,
    );
  }
}

/** Lists the folder: its image files, their labels (class mode) and the class names. */
function scan(dir: string): { files: string[]; labels: number[] | null; classNames: string[] } {
  const root = path.resolve(dir);
  const kind = pathKind(root);
  if (kind !== 'folder') {
    throw new Error(
      `imageFolder: dir must be an existing folder, got '${root}' (${kind === 'file' ? 'a file' : 'not found'})`,
    );
  }
  const entries = fs
    .readdirSync(root)
    .filter((n) => !n.startsWith('.'))
    .sort();
  const topImages: string[] = [];
  const classes: { name: string; files: string[] }[] = [];
  const realRoot = fs.realpathSync(root);
  for (const name of entries) {
    const p = path.join(root, name);
    // a link to a sibling class (or any file inside) would be a new class holding copies
    if (linksInside(p, realRoot)) continue;
    const k = pathKind(p);
    if (k === 'file' && hasExtension(name, IMAGE_EXTENSIONS)) topImages.push(p);
    else if (k === 'folder') {
      const inside = listFiles(p, IMAGE_EXTENSIONS, { skipLinksInto: realRoot });
      if (inside.length > 0) classes.push({ name, files: inside });
    }
  }
  if (classes.length === 0) {
    if (topImages.length === 0) {
      throw new Error(
        `imageFolder: no image files (${IMAGE_EXTENSIONS.join(', ')}) in '${root}' or its subfolders`,
      );
    }
    return { files: topImages, labels: null, classNames: [] };
  }
  if (topImages.length > 0) {
    throw new Error(
      `imageFolder: '${root}' has both class subfolders (${classes.map((c) => c.name).join(', ')}) ` +
        `and ${topImages.length} image(s) at its top level (e.g. '${path.basename(topImages[0])}'); ` +
        'move those images into a class subfolder, or point dir at a folder of images only',
    );
  }
  const files: string[] = [];
  const labels: number[] = [];
  classes.forEach((c, label) => {
    for (const f of c.files) {
      files.push(f);
      labels.push(label);
    }
  });
  return { files, labels, classNames: classes.map((c) => c.name) };
}

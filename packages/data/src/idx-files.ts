import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import * as tf from '@tensorflow/tfjs-core';
import {
  decodeIdx,
  encodeIdx,
  idxImageArrays,
  type Idx,
  type IdxArray,
  type IdxImageArrays,
} from './idx';
import { checkSeed, epochDataset, type EpochDataset, type ShuffleOptions } from './order';

/** The files of an IDX data set: images, and labels when there are any. */
export type IdxFiles = {
  /** Path of the images file (dims `[count, height, width]` or `[…, channels]`, raw or gzip). */
  images: string;
  /** Path of the labels file (dims `[count]`), optional. */
  labels?: string;
  /** Use only the first `limit` images (in file order). Default: all. */
  limit?: number;
};

/** What {@link idxTensors} returns; the caller disposes the tensors. */
export type IdxTensors = {
  /** [N, H, W, C] float32 in [0, 1]. */
  images: tf.Tensor4D;
  /** [N] int32, when a labels file was given. */
  labels?: tf.Tensor1D;
  /** Number of images, N. */
  count: number;
};

/** One element of {@link idxDataset}: an [H, W, C] image in [0, 1], and its label when there are labels. */
export type IdxElement = { image: tf.Tensor3D; label?: number };

/** Options of {@link idxDataset}. */
export type IdxDatasetOptions = IdxFiles & ShuffleOptions;

/** The dataset of {@link idxDataset}, with the shape of one image and the files read. */
export type IdxDataset = EpochDataset<IdxElement> & {
  readonly shape: [number, number, number];
  readonly files: IdxFiles;
};

function gunzip(bytes: Uint8Array): Uint8Array {
  return zlib.gunzipSync(bytes);
}

/** A file's bytes; an Error of one line naming the function and the file when it cannot be read. */
function readBytes(caller: string, file: string): Uint8Array {
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) throw new Error('not a regular file');
    return fs.readFileSync(file);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new Error(`${caller}: cannot read ${file} (${e.code ?? e.message})`);
  }
}

/**
 * Reads an IDX file (raw, or gzip: detected by its magic number 0x1f 0x8b,
 * whatever its name) from a path, or decodes bytes already read: `{ type,
 * dims, data }`. Every check of `parseIdx` applies (magic number, type code,
 * dimensions against the byte length), each Error one line naming the file.
 *
 * @example
 * ```ts
 * import { readIdx } from '@ssl/data/node';
 * const { dims, data } = readIdx('train-images-idx3-ubyte.gz'); // dims [60000, 28, 28], Uint8Array
 * ```
 */
export function readIdx(source: string | Uint8Array, name?: string): Idx {
  if (typeof source === 'string') {
    return decodeIdx('readIdx', readBytes('readIdx', source), { name: name ?? source, gunzip });
  }
  return decodeIdx('readIdx', source, { name, gunzip });
}

/** Options of {@link writeIdx}. */
export type WriteIdxOptions = {
  /** Write gzip-compressed bytes. Default: `true` when `file` ends in `.gz`. */
  gzip?: boolean;
};

/**
 * Writes values and their dimensions as an IDX file (the type follows the
 * typed array, see `encodeIdx`), gzip-compressed when `options.gzip` or the
 * name ends in `.gz`. Atomic: written to a temporary file beside `file`, then
 * renamed over it, so a reader never sees a half-written file.
 *
 * @example
 * ```ts
 * writeIdx('labels-idx1-ubyte', { dims: [3], data: Uint8Array.from([0, 7, 9]) });
 * ```
 */
export function writeIdx(
  file: string,
  idx: { dims: readonly number[]; data: IdxArray },
  { gzip = file.endsWith('.gz') }: WriteIdxOptions = {},
): void {
  const raw = encodeIdx(idx);
  const bytes = gzip ? zlib.gzipSync(raw) : raw;
  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, `.${path.basename(file)}.tmp-${process.pid}-${Date.now()}`);
  try {
    fs.writeFileSync(tmp, bytes);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    const e = err as NodeJS.ErrnoException;
    throw new Error(`writeIdx: cannot write ${file} (${e.code ?? e.message})`);
  }
}

/** The files decoded and checked as image arrays. */
function loadIdxImages(caller: string, files: IdxFiles): IdxImageArrays {
  if (files == null || typeof files.images !== 'string' || files.images.length === 0) {
    throw new Error(
      `${caller}: images must be the path of an IDX file, got ${JSON.stringify(files?.images)}`,
    );
  }
  if (
    files.labels !== undefined &&
    (typeof files.labels !== 'string' || files.labels.length === 0)
  ) {
    throw new Error(
      `${caller}: labels must be the path of an IDX file, got ${JSON.stringify(files.labels)}`,
    );
  }
  const images = decodeIdx(caller, readBytes(caller, files.images), { name: files.images, gunzip });
  const labels =
    files.labels === undefined
      ? undefined
      : decodeIdx(caller, readBytes(caller, files.labels), { name: files.labels, gunzip });
  return idxImageArrays(
    caller,
    images,
    labels,
    { images: files.images, labels: files.labels },
    files.limit,
  );
}

/**
 * An IDX image data set (as MNIST and the data sets that ship like it: e.g.
 * `train-images-idx3-ubyte.gz` + `train-labels-idx1-ubyte.gz`) as tensors:
 * `images` [N, H, W, C] float32 in [0, 1] (uint8 pixels / 255; a
 * 3-dimensional file has C = 1), `labels` [N] int32 when a labels file is
 * given. Checks, each one line naming the file: the IDX format (see
 * {@link readIdx}), 3 or 4 image dimensions, uint8 or float pixels in
 * [0, 1], 1-dimensional integer labels >= 0, and as many labels as images.
 * The caller disposes the tensors.
 *
 * @example
 * ```ts
 * import { idxTensors } from '@ssl/data/node';
 * const { images, labels } = idxTensors({
 *   images: 't10k-images-idx3-ubyte.gz',
 *   labels: 't10k-labels-idx1-ubyte.gz',
 * }); // images [10000, 28, 28, 1], labels [10000] int32
 * ```
 */
export function idxTensors(files: IdxFiles): IdxTensors {
  const { images, labels, count, shape } = loadIdxImages('idxTensors', files);
  const tensors = tf.tidy(() => ({
    images: tf.tensor4d(images, [count, ...shape]),
    ...(labels ? { labels: tf.tensor1d(labels, 'int32') } : {}),
  }));
  return { ...tensors, count };
}

/**
 * The same data as {@link idxTensors} as a `tf.data.Dataset` of `{ image,
 * label? }` ([H, W, C] float32 in [0, 1]; `label` a number when a labels file
 * is given), in file order or shuffled (pass k visits epoch k's seeded order;
 * `forEpoch(e)` is epoch e's dataset). The files are read and checked once,
 * when this is called; each image tensor is made when its element is read.
 *
 * @example
 * ```ts
 * const ds = idxDataset({ images: 'train-images-idx3-ubyte.gz', labels: 'train-labels-idx1-ubyte.gz',
 *   shuffle: true, seed: 0 });
 * const batches = batchImages(ds, 256); // from '@ssl/data'
 * ```
 */
export function idxDataset(options: IdxDatasetOptions): IdxDataset {
  const { shuffle = false, seed = 0 } = options ?? {};
  checkSeed('idxDataset', seed);
  const { images, labels, count, shape } = loadIdxImages('idxDataset', options);
  const size = shape[0] * shape[1] * shape[2];
  const ds = epochDataset('idxDataset', count, { shuffle, seed }, (order) =>
    order.map((i) => {
      const image = tf.tensor3d(images.slice(i * size, (i + 1) * size), shape);
      return labels ? { image, label: labels[i] } : { image };
    }),
  );
  const files: IdxFiles = { images: options.images, labels: options.labels, limit: options.limit };
  return Object.assign(ds, { shape, files });
}

// The images `ssl eval`, `embed`, `classify` and `predict` read: 'mnist', a
// folder (class subfolders = labels), or single files; as one tensor.
import * as tf from '@tensorflow/tfjs-core';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { createRng, permutation } from '@ssl/augment';
import { mnistTensors } from '@ssl/data';
import { idxTensors, imageFolder, imageInfo, readImage } from '@ssl/data/node';
import { UsageError } from './command-line';

/** Images read for a command, with what is known about them. */
export interface ImageSet {
  /** [N, H, W, C] float32 in [0, 1]. */
  images: tf.Tensor4D;
  /** [N] int32 class indices into `classNames`, when the source has classes. */
  labels?: tf.Tensor1D;
  classNames: string[];
  /** The file of each image (folders and files), in order. */
  files?: string[];
}

/** Options of {@link loadImageSet}. */
export interface ImageSourceOptions {
  /** `ssl eval`, ...: named in errors. */
  command: string;
  /** The flag the source came from (`--data`), named in errors. */
  flag: string;
  /** The `[height, width, channels]` the encoder takes: images are resized / converted to it. */
  shape: number[];
  /** MNIST split. Default 'train'. */
  split?: 'train' | 'test';
  /** A fixed subset of N images (mnist: the first N; folders: N drawn with `seed`, kept in file order). */
  limit?: number;
  seed?: number;
}

const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();

/**
 * Whether `file` is an IDX file (the MNIST format): by name (`*-idx3-ubyte`,
 * `*.idx`, optionally `.gz`) or by its magic number (0, 0, type, rank).
 */
export function isIdxFile(file: string): boolean {
  if (/(idx\d-ubyte|\.idx\d?)(\.gz)?$/i.test(file)) return true;
  if (!existsSync(file) || statSync(file).isDirectory()) return false;
  const b = Buffer.alloc(4);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, b, 0, 4, 0);
  } finally {
    closeSync(fd);
  }
  return (
    b[0] === 0 && b[1] === 0 && [8, 9, 11, 12, 13, 14].includes(b[2]) && b[3] >= 1 && b[3] <= 4
  );
}

/** The class of each file of an image folder: the top subfolder under `root`, or -1. */
function folderLabels(root: string, files: string[], classNames: string[]): number[] {
  return files.map((f) => classNames.indexOf(path.relative(root, f).split(path.sep)[0]));
}

/**
 * Reads `source` ('mnist', a folder, or a comma-separated list of image files)
 * as an {@link ImageSet} resized to `shape`. Refuses, naming the flag and a
 * fix, MNIST for an encoder that does not take 28x28x1 images.
 */
export async function loadImageSet(source: string, o: ImageSourceOptions): Promise<ImageSet> {
  const [h, w, c] = o.shape;
  if (source === 'mnist') {
    if (h !== 28 || w !== 28 || c !== 1) {
      throw new UsageError(
        `${o.command}: ${o.flag} mnist holds 28x28x1 images; the encoder takes ${h}x${w}x${c} (pass a folder of images, or use an encoder pretrained on mnist)`,
      );
    }
    const { images, labels } = mnistTensors({ split: o.split ?? 'train', limit: o.limit });
    return {
      images: images as tf.Tensor4D,
      labels: labels as tf.Tensor1D,
      classNames: Array.from({ length: 10 }, (_, i) => String(i)),
    };
  }
  const parts = source
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '');
  if (parts.length >= 1 && parts.length <= 2 && isIdxFile(parts[0])) {
    // IMAGES[,LABELS]; the labels file is guessed beside the images when not given
    const guess = parts[0].replace(/images-idx3/, 'labels-idx1');
    const labelsFile = parts[1] ?? (guess !== parts[0] && existsSync(guess) ? guess : undefined);
    const t = idxTensors({ images: parts[0], labels: labelsFile, limit: o.limit });
    const [, ih, iw, ic] = t.images.shape;
    if (ih !== h || iw !== w || ic !== c) {
      tf.dispose([t.images, t.labels]);
      throw new UsageError(
        `${o.command}: ${o.flag} '${parts[0]}' holds ${ih}x${iw}x${ic} images; the encoder takes ${h}x${w}x${c} (pretrain on these images, or convert them to PNG files in a folder, which are resized)`,
      );
    }
    const n = t.labels ? Math.max(...Array.from(t.labels.dataSync())) + 1 : 0;
    return {
      images: t.images,
      labels: t.labels,
      classNames: Array.from({ length: n }, (_, i) => String(i)),
    };
  }
  if (c !== 1 && c !== 3) {
    throw new UsageError(
      `${o.command}: the encoder takes ${c}-channel images; only 1 or 3 can be read from files`,
    );
  }
  let files: string[];
  let classNames: string[] = [];
  let labels: number[] | undefined;
  if (isDir(source)) {
    const ds = imageFolder(source, { size: [h, w], channels: c });
    files = ds.files;
    classNames = ds.classNames;
    if (classNames.length > 0) labels = folderLabels(path.resolve(source), files, classNames);
  } else {
    files = source
      .split(',')
      .map((f) => f.trim())
      .filter((f) => f !== '');
    for (const f of files) {
      if (!existsSync(f)) {
        throw new UsageError(
          `${o.command}: ${o.flag} '${f}' is neither 'mnist', a folder nor an existing image file`,
        );
      }
    }
  }
  if (o.limit !== undefined && o.limit < files.length) {
    // a fixed subset: the same N files for the same seed, kept in file order
    const pick = Array.from(permutation(files.length, createRng(o.seed ?? 0)))
      .slice(0, o.limit)
      .sort((a, b) => a - b);
    files = pick.map((i) => files[i]);
    if (labels) labels = pick.map((i) => labels![i]);
  }
  const images: tf.Tensor3D[] = [];
  try {
    for (const f of files) images.push(await readImage(f, { size: [h, w], channels: c }));
    const stacked = tf.stack(images) as tf.Tensor4D;
    return {
      images: stacked,
      labels: labels ? tf.tensor1d(labels, 'int32') : undefined,
      classNames,
      files,
    };
  } finally {
    tf.dispose(images);
  }
}

/** What a folder's first image says: its size, and 1 channel when it is gray. */
export async function folderImageShape(
  dir: string,
): Promise<{ height: number; width: number; channels: 1 | 3; file: string; count: number }> {
  const files = imageFolder(dir, { size: [1, 1] }).files; // listed only, nothing decoded
  const info = await imageInfo(files[0]);
  return {
    height: info.height,
    width: info.width,
    channels: info.gray ? 1 : 3,
    file: files[0],
    count: files.length,
  };
}

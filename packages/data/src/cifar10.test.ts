import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { describeBackends, expectNoLeak } from '@ssl/test-utils';
import { batchImages } from './batch-images';
import { CIFAR10_URL, cifar10 } from './cifar10';

/** Pixel byte of record `r` at channel c, row y, column x: a known pattern. */
const pixel = (r: number, c: number, y: number, x: number) =>
  (r * 11 + c * 100 + y * 5 + x * 3) % 256;

/** A batch file of CIFAR-10 records with labels `labels` and pixels `pixel(firstId + i, …)`, CHW. */
function writeBatch(file: string, labels: number[], firstId: number): void {
  const bytes = Buffer.alloc(labels.length * 3073);
  labels.forEach((label, i) => {
    const rec = i * 3073;
    bytes[rec] = label;
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < 32; y++) {
        for (let x = 0; x < 32; x++)
          bytes[rec + 1 + c * 1024 + y * 32 + x] = pixel(firstId + i, c, y, x);
      }
    }
  });
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, bytes);
}

let tmp: string;
let dir: string;
// train: 5 files holding 2, 1, 3, 2, 2 records (ids 0..9, labels 9 - id); test: 3 records.
const trainSizes = [2, 1, 3, 2, 2];
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ssl-data-cifar-'));
  dir = path.join(tmp, 'cifar-10-batches-bin');
  let id = 0;
  trainSizes.forEach((n, f) => {
    writeBatch(
      path.join(dir, `data_batch_${f + 1}.bin`),
      Array.from({ length: n }, (_, i) => 9 - (id + i)),
      id,
    );
    id += n;
  });
  writeBatch(path.join(dir, 'test_batch.bin'), [3, 1, 4], 100);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describeBackends('cifar10', () => {
  it('decodes CHW records into [32, 32, 3] HWC images in [0, 1] with their labels', async () => {
    const ds = cifar10(dir, { split: 'test' });
    expect(ds.size).toBe(3);
    const els = await ds.toArray();
    expect(els.map((e) => e.label)).toEqual([3, 1, 4]);
    els.forEach(({ image }, i) => {
      expect(image.shape).toEqual([32, 32, 3]);
      expect(image.dtype).toBe('float32');
      const v = image.dataSync();
      for (let y = 0; y < 32; y++) {
        for (let x = 0; x < 32; x++) {
          for (let c = 0; c < 3; c++) {
            const got = v[(y * 32 + x) * 3 + c];
            const want = pixel(100 + i, c, y, x) / 255;
            if (Math.abs(got - want) > 1e-6)
              throw new Error(`image ${i} (${y},${x},${c}): ${got} != ${want}`);
          }
        }
      }
    });
    tf.dispose(els.map((e) => e.image));
  });

  it('reads the five train batches in order, across file boundaries', async () => {
    const ds = cifar10(tmp); // the parent of cifar-10-batches-bin works too
    expect(ds.size).toBe(10);
    expect(ds.files.map((f) => path.basename(f))).toEqual(
      [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`),
    );
    const labels: number[] = [];
    const firstPixels: number[] = [];
    await ds.forEachAsync(({ image, label }) => {
      labels.push(label);
      firstPixels.push(Math.round(image.dataSync()[0] * 255));
      image.dispose();
    });
    expect(labels).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(firstPixels).toEqual(Array.from({ length: 10 }, (_, id) => pixel(id, 0, 0, 0)));
  });

  it('shuffles deterministically by seed (a permutation of the records)', async () => {
    const labels = async (seed: number) =>
      await cifar10(dir, { shuffle: true, seed })
        .map(({ image, label }) => {
          image.dispose();
          return label;
        })
        .toArray();
    const a = await labels(3);
    expect(await labels(3)).toEqual(a);
    expect(await labels(4)).not.toEqual(a);
    expect([...a].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('leaks no tensors when iterating and batching', async () => {
    await expectNoLeak(async () => {
      await batchImages(cifar10(dir), 4).forEachAsync(({ images, labels }) =>
        tf.dispose([images, labels as tf.Tensor]),
      );
    });
  });
});

describe('cifar10 errors', () => {
  it('says which files are missing, where to put them and where to get them', () => {
    const empty = fs.mkdtempSync(path.join(tmp, 'empty-'));
    let message = '';
    try {
      cifar10(empty, { split: 'train' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain(
      `cifar10: missing data_batch_1.bin, data_batch_2.bin, data_batch_3.bin, data_batch_4.bin, data_batch_5.bin in '${empty}'`,
    );
    expect(message).toContain(CIFAR10_URL);
    expect(message).toContain('cifar-10-batches-bin');
    expect(() => cifar10(path.join(tmp, 'absent'), { split: 'test' })).toThrow(
      `cifar10: missing test_batch.bin ('${path.join(tmp, 'absent')}' does not exist)`,
    );
  });

  it('refuses a file that is not made of 3073-byte records, and bad options', () => {
    const bad = fs.mkdtempSync(path.join(tmp, 'bad-'));
    fs.writeFileSync(path.join(bad, 'test_batch.bin'), Buffer.alloc(3074));
    expect(() => cifar10(bad, { split: 'test' })).toThrow(
      `cifar10: '${path.join(bad, 'test_batch.bin')}' has 3074 bytes, expected a positive multiple of 3073`,
    );
    expect(() => cifar10(bad, { split: 'val' as 'test' })).toThrow(
      `cifar10: split must be 'train' or 'test', got "val"`,
    );
  });

  it('names the record whose label byte is out of range', async () => {
    const bad = fs.mkdtempSync(path.join(tmp, 'label-'));
    writeBatch(path.join(bad, 'test_batch.bin'), [1, 12], 0);
    await expect(
      cifar10(bad, { split: 'test' }).forEachAsync(({ image }) => image.dispose()),
    ).rejects.toThrow(
      `cifar10: record 1 of '${path.join(bad, 'test_batch.bin')}' has label 12, expected 0..9`,
    );
  });
});

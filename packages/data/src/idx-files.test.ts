import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { idxDataset, idxTensors, readIdx, writeIdx } from './idx-files';
import { encodeIdx } from './idx';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssl-idx-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const at = (name: string) => path.join(dir, name);

// 5 images of 2×3 whose pixel p of image i is 10 * i + p, labels 7 - i.
const N = 5;
const pixels = Uint8Array.from({ length: N * 6 }, (_, k) => 10 * Math.floor(k / 6) + (k % 6));
const labelValues = Uint8Array.from({ length: N }, (_, i) => 7 - i);
writeIdx(at('images-idx3-ubyte'), { dims: [N, 2, 3], data: pixels });
writeIdx(at('labels-idx1-ubyte.gz'), { dims: [N], data: labelValues });

describe('readIdx / writeIdx', () => {
  it('writes raw and gzip (by the name), and reads both back from a path or bytes', () => {
    const rawBytes = fs.readFileSync(at('images-idx3-ubyte'));
    expect(Array.from(rawBytes.subarray(0, 4))).toEqual([0, 0, 8, 3]);
    expect(Array.from(fs.readFileSync(at('labels-idx1-ubyte.gz')).subarray(0, 2))).toEqual([
      0x1f, 0x8b,
    ]);
    expect(readIdx(at('images-idx3-ubyte'))).toEqual({
      type: 'uint8',
      dims: [N, 2, 3],
      data: pixels,
    });
    expect(readIdx(at('labels-idx1-ubyte.gz')).data).toEqual(labelValues);
    expect(readIdx(new Uint8Array(rawBytes)).dims).toEqual([N, 2, 3]);
    // gzip detected by content, not name
    writeIdx(
      at('zipped-without-suffix'),
      { dims: [2], data: Int32Array.from([-5, 70000]) },
      { gzip: true },
    );
    expect(readIdx(at('zipped-without-suffix')).data).toEqual(Int32Array.from([-5, 70000]));
    // atomic: no temp file left beside the written ones
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('names the file when it is missing, truncated or not IDX', () => {
    expect(() => readIdx(at('nope'))).toThrow(`readIdx: cannot read ${at('nope')} (ENOENT)`);
    expect(() => readIdx(dir)).toThrow(`readIdx: cannot read ${dir} (not a regular file)`);
    const bytes = fs.readFileSync(at('images-idx3-ubyte'));
    fs.writeFileSync(at('truncated'), bytes.subarray(0, bytes.length - 3));
    expect(() => readIdx(at('truncated'))).toThrow(
      `readIdx: ${at('truncated')} is truncated: dimensions 5×2×3 of uint8 need 30 bytes after the header, the file has 27`,
    );
    const zipped = fs.readFileSync(at('labels-idx1-ubyte.gz'));
    fs.writeFileSync(at('cut.gz'), zipped.subarray(0, zipped.length - 4));
    expect(() => readIdx(at('cut.gz'))).toThrow(`readIdx: ${at('cut.gz')} is damaged gzip data (`);
    fs.writeFileSync(at('text.idx'), 'hello, world');
    expect(() => readIdx(at('text.idx'))).toThrow(
      `readIdx: ${at('text.idx')} is not an IDX file: magic number 0x68656c6c does not start with two zero bytes`,
    );
  });

  it('refuses a path it cannot write, naming it', () => {
    expect(() => writeIdx(at('no-such-folder/x'), { dims: [1], data: new Uint8Array(1) })).toThrow(
      `writeIdx: cannot write ${at('no-such-folder/x')} (ENOENT)`,
    );
  });
});

describe('idxTensors', () => {
  it('gives [N, H, W, 1] float32 pixels / 255 and int32 labels', () => {
    const before = tf.memory().numTensors;
    const { images, labels, count } = idxTensors({
      images: at('images-idx3-ubyte'),
      labels: at('labels-idx1-ubyte.gz'),
    });
    expect(count).toBe(N);
    expect(images.shape).toEqual([N, 2, 3, 1]);
    expect(images.dtype).toBe('float32');
    expect(Array.from(images.dataSync())).toEqual(Array.from(pixels, (v) => Math.fround(v / 255)));
    expect(labels?.dtype).toBe('int32');
    expect(Array.from(labels?.dataSync() ?? [])).toEqual([7, 6, 5, 4, 3]);
    expect(tf.memory().numTensors).toBe(before + 2);
    tf.dispose([images, labels as tf.Tensor]);
  });

  it('works without labels, and with a limit', () => {
    const { images, labels, count } = idxTensors({ images: at('images-idx3-ubyte'), limit: 2 });
    expect(count).toBe(2);
    expect(labels).toBeUndefined();
    expect(images.shape).toEqual([2, 2, 3, 1]);
    images.dispose();
  });

  it('refuses a labels file that does not match the images, naming both files', () => {
    writeIdx(at('four-labels'), { dims: [4], data: new Uint8Array(4) });
    expect(() =>
      idxTensors({ images: at('images-idx3-ubyte'), labels: at('four-labels') }),
    ).toThrow(
      `idxTensors: ${at('four-labels')} holds 4 labels but ${at('images-idx3-ubyte')} holds 5 images`,
    );
    // labels given as images: 1 dimension
    expect(() => idxTensors({ images: at('four-labels') })).toThrow(
      `idxTensors: ${at('four-labels')}: images must have 3 dimensions`,
    );
    fs.writeFileSync(
      at('bad-magic'),
      Buffer.from(encodeIdx({ dims: [N], data: labelValues })).fill(1, 0, 1),
    );
    expect(() => idxTensors({ images: at('images-idx3-ubyte'), labels: at('bad-magic') })).toThrow(
      `idxTensors: ${at('bad-magic')} is not an IDX file: magic number 0x01000801`,
    );
    fs.writeFileSync(at('bad-type'), Buffer.from([0, 0, 0x0f, 1, 0, 0, 0, 0]));
    expect(() => idxTensors({ images: at('bad-type') })).toThrow(
      `idxTensors: ${at('bad-type')}: unsupported IDX type code 0x0f`,
    );
    expect(() => idxTensors({ images: '' })).toThrow(
      'idxTensors: images must be the path of an IDX file, got ""',
    );
  });
});

describe('idxDataset', () => {
  it('yields every image once with its label, seeded when shuffled', async () => {
    const files = { images: at('images-idx3-ubyte'), labels: at('labels-idx1-ubyte.gz') };
    const ds = idxDataset(files);
    expect(ds.size).toBe(N);
    expect(ds.shape).toEqual([2, 3, 1]);
    const inOrder = await ds.toArray();
    inOrder.forEach(({ image, label }, i) => {
      expect(image.shape).toEqual([2, 3, 1]);
      expect(image.dataSync()[0]).toBeCloseTo((10 * i) / 255, 6);
      expect(label).toBe(7 - i);
    });
    tf.dispose(inOrder.map((e) => e.image));
    const order = async (seed: number) => {
      const els = await idxDataset({ ...files, shuffle: true, seed }).toArray();
      tf.dispose(els.map((e) => e.image));
      return els.map((e) => e.label);
    };
    const a = await order(1);
    expect(a.slice().sort()).toEqual([3, 4, 5, 6, 7]);
    expect(await order(1)).toEqual(a);
    const others = await Promise.all([2, 3, 4, 5].map(order));
    expect(others.some((o) => JSON.stringify(o) !== JSON.stringify(a))).toBe(true);
  });
});

import { gunzipSync, gzipSync } from 'node:zlib';
import { createRng } from '@ssl/augment';
import { encodeIdx, idxImageArrays, isGzip, parseIdx, type IdxArray } from './idx';

const u8 = (...b: number[]) => Uint8Array.from(b);

describe('parseIdx', () => {
  it('decodes hand-written big-endian files of every type', () => {
    expect(parseIdx(u8(0, 0, 0x08, 1, 0, 0, 0, 3, 5, 6, 255))).toEqual({
      type: 'uint8',
      dims: [3],
      data: u8(5, 6, 255),
    });
    expect(parseIdx(u8(0, 0, 0x09, 1, 0, 0, 0, 2, 0x7f, 0x80)).data).toEqual(
      Int8Array.from([127, -128]),
    );
    // int16: 0x0102 = 258, 0xfffe = -2
    expect(parseIdx(u8(0, 0, 0x0b, 1, 0, 0, 0, 2, 1, 2, 0xff, 0xfe)).data).toEqual(
      Int16Array.from([258, -2]),
    );
    // int32: 0x00010000 = 65536, 0xffffffff = -1; dims [1, 2] (0x00000001, 0x00000002)
    const i32 = parseIdx(u8(0, 0, 0x0c, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0, 1, 0, 0, 255, 255, 255, 255));
    expect(i32.dims).toEqual([1, 2]);
    expect(i32.data).toEqual(Int32Array.from([65536, -1]));
    // float32 1.5 = 0x3fc00000; float64 -2 = 0xc000000000000000
    expect(parseIdx(u8(0, 0, 0x0d, 1, 0, 0, 0, 1, 0x3f, 0xc0, 0, 0)).data).toEqual(
      Float32Array.from([1.5]),
    );
    expect(parseIdx(u8(0, 0, 0x0e, 1, 0, 0, 0, 1, 0xc0, 0, 0, 0, 0, 0, 0, 0)).data).toEqual(
      Float64Array.from([-2]),
    );
    // a dimension above 2^24 read as unsigned big-endian: 0x01000000 images of 0 bytes each
    expect(parseIdx(u8(0, 0, 0x08, 2, 1, 0, 0, 0, 0, 0, 0, 0)).dims).toEqual([16777216, 0]);
  });

  it('round-trips encodeIdx for every type, and gzip with a gunzip function', () => {
    const r = createRng(3);
    const rng = () => r.next();
    const n = 2 * 3 * 4;
    const arrays: IdxArray[] = [
      Uint8Array.from({ length: n }, () => Math.floor(rng() * 256)),
      Int8Array.from({ length: n }, () => Math.floor(rng() * 256) - 128),
      Int16Array.from({ length: n }, () => Math.floor(rng() * 65536) - 32768),
      Int32Array.from({ length: n }, () => Math.floor(rng() * 2 ** 32) - 2 ** 31),
      Float32Array.from({ length: n }, () => rng() * 100 - 50),
      Float64Array.from({ length: n }, () => rng() * 1e6 - 5e5),
    ];
    for (const data of arrays) {
      const bytes = encodeIdx({ dims: [2, 3, 4], data });
      expect(bytes.length).toBe(4 + 12 + n * data.BYTES_PER_ELEMENT);
      const back = parseIdx(bytes);
      expect(back.dims).toEqual([2, 3, 4]);
      expect(back.data).toEqual(data);
      const zipped = gzipSync(bytes);
      expect(isGzip(zipped)).toBe(true);
      expect(parseIdx(zipped, { gunzip: (b) => gunzipSync(b) }).data).toEqual(data);
    }
  });

  it('writes the header MNIST files have (magic 0x00000803, dims big-endian)', () => {
    const bytes = encodeIdx({ dims: [2, 28, 28], data: new Uint8Array(2 * 784) });
    expect(Array.from(bytes.subarray(0, 16))).toEqual([
      0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28,
    ]);
  });

  it('refuses damaged input with one line naming the file', () => {
    const name = { name: 'train-images-idx3-ubyte' };
    const good = encodeIdx({ dims: [2, 2, 2], data: new Uint8Array(8) });
    const bad = (bytes: Uint8Array) => () => parseIdx(bytes, name);
    expect(bad(good.subarray(0, good.length - 1))).toThrow(
      'parseIdx: train-images-idx3-ubyte is truncated: dimensions 2×2×2 of uint8 need 8 bytes after the header, the file has 7',
    );
    expect(bad(good.subarray(0, 10))).toThrow(
      'parseIdx: train-images-idx3-ubyte is truncated: its header of 3 dimensions needs 16 bytes, the file has 10',
    );
    expect(bad(u8(...good, 0))).toThrow(
      'parseIdx: train-images-idx3-ubyte: 1 bytes beyond the 8 that dimensions 2×2×2 of uint8 need (wrong dimensions or trailing data)',
    );
    expect(bad(u8(0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0))).toThrow(
      'parseIdx: train-images-idx3-ubyte is not an IDX file: magic number 0x89504e47 does not start with two zero bytes',
    );
    expect(bad(u8(0, 0, 0x0a, 1, 0, 0, 0, 0))).toThrow(
      'parseIdx: train-images-idx3-ubyte: unsupported IDX type code 0x0a (expected 0x08 uint8, 0x09 int8, 0x0b int16, 0x0c int32, 0x0d float32, 0x0e float64)',
    );
    expect(bad(u8(0, 0, 8, 0))).toThrow(
      'parseIdx: train-images-idx3-ubyte: the IDX header declares 0 dimensions',
    );
    expect(bad(u8(0, 0))).toThrow('shorter than the 4-byte magic number');
    // a header whose dimensions claim far more than the file holds fails before allocating
    expect(bad(u8(0, 0, 8, 3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1))).toThrow(
      'is truncated: dimensions 4294967295×4294967295×1 of uint8 need',
    );
    const zipped = gzipSync(good);
    expect(bad(zipped)).toThrow(
      "parseIdx: train-images-idx3-ubyte is gzip-compressed; pass options.gunzip (e.g. zlib.gunzipSync) or use readIdx from '@ssl/data/node'",
    );
    expect(() =>
      parseIdx(zipped.subarray(0, zipped.length - 6), { ...name, gunzip: (b) => gunzipSync(b) }),
    ).toThrow(/^parseIdx: train-images-idx3-ubyte is damaged gzip data \(/);
    for (const fn of [bad(good.subarray(0, 9)), bad(u8(1, 0, 8, 1))]) {
      expect(fn).toThrow(expect.objectContaining({ message: expect.not.stringContaining('\n') }));
    }
  });
});

describe('encodeIdx', () => {
  it('refuses data that does not fit its dims, or is not a typed array', () => {
    expect(() => encodeIdx({ dims: [2, 3], data: new Uint8Array(5) })).toThrow(
      'encodeIdx: dims 2×3 hold 6 values, data has 5',
    );
    expect(() => encodeIdx({ dims: [1], data: [1] as unknown as Uint8Array })).toThrow(
      'encodeIdx: data must be a Uint8Array, Int8Array, Int16Array, Int32Array, Float32Array or Float64Array, got [object Array]',
    );
    expect(() => encodeIdx({ dims: [], data: new Uint8Array(0) })).toThrow(
      'encodeIdx: dims must be 1 to 255 dimensions, got []',
    );
    expect(() => encodeIdx({ dims: [-1], data: new Uint8Array(0) })).toThrow(
      'each dimension must be an integer',
    );
  });
});

describe('idxImageArrays', () => {
  const images = { type: 'uint8' as const, dims: [3, 1, 2], data: u8(0, 255, 51, 102, 1, 2) };
  const labels = { type: 'uint8' as const, dims: [3], data: u8(4, 0, 9) };
  const names = { images: 'imgs.idx', labels: 'lbls.idx' };

  it('scales uint8 pixels by 1/255, keeps labels, applies limit', () => {
    const out = idxImageArrays('f', images, labels, names);
    expect(out.count).toBe(3);
    expect(out.shape).toEqual([1, 2, 1]);
    expect(Array.from(out.images)).toEqual(
      [0, 255, 51, 102, 1, 2].map((v) => Math.fround(v / 255)),
    );
    expect(Array.from(out.labels ?? [])).toEqual([4, 0, 9]);
    const two = idxImageArrays('f', images, labels, names, 2);
    expect(two.count).toBe(2);
    expect(two.images.length).toBe(4);
    expect(Array.from(two.labels ?? [])).toEqual([4, 0]);
  });

  it('takes a 4th dimension as channels, and float pixels in [0, 1] as they are', () => {
    const rgb = idxImageArrays(
      'f',
      { type: 'float32', dims: [1, 1, 1, 3], data: Float32Array.from([0, 0.5, 1]) },
      undefined,
    );
    expect(rgb.shape).toEqual([1, 1, 3]);
    expect(Array.from(rgb.images)).toEqual([0, 0.5, 1]);
    expect(rgb.labels).toBeUndefined();
  });

  it('names the file at fault', () => {
    expect(() =>
      idxImageArrays('f', images, { ...labels, dims: [2], data: u8(1, 2) }, names),
    ).toThrow('f: lbls.idx holds 2 labels but imgs.idx holds 3 images');
    expect(() =>
      idxImageArrays('f', { ...images, dims: [6], data: images.data }, undefined, names),
    ).toThrow(
      'f: imgs.idx: images must have 3 dimensions (count, height, width) or 4 (count, height, width, channels), got 1 (6)',
    );
    expect(() =>
      idxImageArrays(
        'f',
        { type: 'float32', dims: [1, 1, 2], data: Float32Array.from([0.5, 2]) },
        undefined,
        names,
      ),
    ).toThrow('f: imgs.idx: float pixels must be in [0, 1], got 2 at value 1');
    expect(() =>
      idxImageArrays(
        'f',
        { type: 'int16', dims: [1, 1, 1], data: Int16Array.from([3]) },
        undefined,
        names,
      ),
    ).toThrow(
      'f: imgs.idx: images must be uint8 (type 0x08, scaled by 1/255) or float32/float64 in [0, 1], got int16',
    );
    expect(() => idxImageArrays('f', images, { ...labels, dims: [3, 1] }, names)).toThrow(
      'f: lbls.idx: labels must have 1 dimension (count), got 2 (3×1)',
    );
    expect(() =>
      idxImageArrays(
        'f',
        images,
        { type: 'int8', dims: [3], data: Int8Array.from([1, -1, 2]) },
        names,
      ),
    ).toThrow('f: lbls.idx: label 1 is -1, expected >= 0');
  });
});

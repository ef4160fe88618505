import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { decodeImage, imageHeaderSize, rgbaToFloat } from './decode-image';

/** A PNG of gray values `gray` (width x 1), written with the given PNG colour type. */
function grayPng(gray: number[], colorType: 0 | 2 | 6): Buffer {
  const png = new PNG({ width: gray.length, height: 1 });
  gray.forEach((v, p) => png.data.set([v, v, v, 255], 4 * p));
  return PNG.sync.write(png, { colorType });
}

describe('decodeImage', () => {
  it('decodes grayscale, RGB and RGBA PNGs to the same 8-bit RGBA', () => {
    const gray = [0, 17, 128, 255];
    const expected = gray.flatMap((v) => [v, v, v, 255]);
    for (const colorType of [0, 2, 6] as const) {
      const img = decodeImage(grayPng(gray, colorType));
      expect([img.width, img.height]).toEqual([4, 1]);
      expect(Array.from(img.data)).toEqual(expected);
    }
  });

  it('chooses the decoder by signature: a JPEG is a JPEG whatever its name', () => {
    const rgba = Buffer.alloc(8 * 8 * 4, 255);
    const img = decodeImage(jpeg.encode({ width: 8, height: 8, data: rgba }, 90).data);
    expect([img.width, img.height, img.data.length]).toEqual([8, 8, 256]);
    expect(Math.min(...img.data)).toBeGreaterThanOrEqual(250);
  });

  it('says what is wrong with bytes it cannot decode', () => {
    expect(() => decodeImage(new Uint8Array(0))).toThrow('the file is empty');
    expect(() => decodeImage(Buffer.from('GIF89a'))).toThrow(
      'not a PNG or JPEG file (unknown signature)',
    );
    expect(() => decodeImage(grayPng([1, 2], 0).subarray(0, 30))).toThrow();
  });
});

describe('rgbaToFloat', () => {
  const img = { width: 2, height: 1, data: new Uint8Array([255, 0, 0, 9, 0, 51, 255, 255]) };
  it('keeps RGB in [0, 1] (alpha dropped) or takes the BT.601 luma', () => {
    expect(Array.from(rgbaToFloat(img, 3))).toEqual(
      Array.from(Float32Array.from([1, 0, 0, 0, 0.2, 1])),
    );
    const luma = [0.299, (0.587 * 51 + 0.114 * 255) / 255];
    const got = rgbaToFloat(img, 1);
    luma.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 6));
  });
  it('refuses a buffer too short for its size', () => {
    expect(() => rgbaToFloat({ width: 3, height: 1, data: new Uint8Array(8) }, 3)).toThrow(
      'decoded 8 bytes, expected 12 for 3x1 RGBA',
    );
  });
});

/** The first 33 bytes of a PNG whose IHDR states `width` x `height` (no pixel data). */
function pngHeader(width: number, height: number): Uint8Array {
  const b = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b, 0);
  b.writeUInt32BE(13, 8);
  b.write('IHDR', 12, 'latin1');
  b.writeUInt32BE(width, 16);
  b.writeUInt32BE(height, 20);
  b[24] = 8; // bit depth
  b[25] = 6; // RGBA
  return new Uint8Array(b);
}

/** A JPEG start: SOI, an APP0 segment, then a SOF0 frame header stating `width` x `height`. */
function jpegHeader(width: number, height: number): Uint8Array {
  const app0 = [0xff, 0xe0, 0x00, 0x04, 0x00, 0x00];
  const sof0 = [
    0xff,
    0xc0,
    0x00,
    0x0b,
    8,
    height >> 8,
    height & 255,
    width >> 8,
    width & 255,
    1,
    1,
    0x11,
    0,
  ];
  return Uint8Array.from([0xff, 0xd8, ...app0, ...sof0, 0xff, 0xd9]);
}

describe('decode limits, checked from the header before decoding', () => {
  it('reads width and height from a real PNG and JPEG header', () => {
    const png = grayPng([1, 2, 3], 0);
    expect(imageHeaderSize(png)).toEqual({ width: 3, height: 1 });
    const rgba = Buffer.alloc(5 * 7 * 4, 128);
    const jpg = jpeg.encode({ width: 5, height: 7, data: rgba }, 90).data;
    expect(imageHeaderSize(jpg)).toEqual({ width: 5, height: 7 });
  });

  it.each([
    ['PNG', pngHeader(20000, 20000)],
    ['JPEG', jpegHeader(20000, 20000)],
  ])('a %s stating 20000x20000 pixels is refused without decoding, saying why', (_f, bytes) => {
    const t0 = Date.now();
    expect(() => decodeImage(bytes)).toThrow(
      'its header states 20000x20000 pixels, more than the limit of 64000000 (maxPixels); not decoded',
    );
    expect(Date.now() - t0).toBeLessThan(200);
  });

  it('limits are options: a small limit refuses a small image, and bytes are limited too', () => {
    const png = grayPng([1, 2, 3, 4], 2);
    expect(() => decodeImage(png, { maxPixels: 3 })).toThrow(
      /4x1 pixels, more than the limit of 3/,
    );
    expect(() => decodeImage(png, { maxBytes: 10 })).toThrow(
      `the file has ${png.length} bytes, more than the limit of 10 (maxBytes); not decoded`,
    );
    expect(decodeImage(png, { maxPixels: 4 }).width).toBe(4);
  });
});

import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { decodeImage, rgbaToFloat } from './decode-image';

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

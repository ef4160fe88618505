import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

/** A decoded image: `width * height * 4` RGBA bytes, row-major. */
export type RgbaImage = { width: number; height: number; data: Uint8Array };

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Decodes a PNG (pngjs) or JPEG (jpeg-js) file's bytes into 8-bit RGBA,
 * choosing the decoder by the file's signature, not its name. Paletted,
 * grayscale and 16-bit PNGs come out as 8-bit RGBA; grayscale JPEGs too.
 * Throws an Error that says what was wrong with the bytes.
 */
export function decodeImage(bytes: Uint8Array): RgbaImage {
  if (bytes.length === 0) throw new Error('the file is empty');
  if (PNG_SIGNATURE.every((b, i) => bytes[i] === b)) {
    const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
    return { width: png.width, height: png.height, data: png.data };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
    return { width: img.width, height: img.height, data: img.data };
  }
  throw new Error('not a PNG or JPEG file (unknown signature)');
}

/**
 * RGBA bytes to float32 pixels in [0, 1], HWC. `channels` 3 keeps R, G, B;
 * 1 takes the luma 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601). Alpha is
 * ignored.
 */
export function rgbaToFloat(img: RgbaImage, channels: 1 | 3): Float32Array {
  const n = img.width * img.height;
  if (img.data.length < n * 4) {
    throw new Error(
      `decoded ${img.data.length} bytes, expected ${n * 4} for ${img.width}x${img.height} RGBA`,
    );
  }
  const out = new Float32Array(n * channels);
  const d = img.data;
  for (let p = 0; p < n; p++) {
    const r = d[4 * p];
    const g = d[4 * p + 1];
    const b = d[4 * p + 2];
    if (channels === 1) out[p] = Math.min(1, (0.299 * r + 0.587 * g + 0.114 * b) / 255);
    else {
      out[3 * p] = r / 255;
      out[3 * p + 1] = g / 255;
      out[3 * p + 2] = b / 255;
    }
  }
  return out;
}

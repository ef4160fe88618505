import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

/** A decoded image: `width * height * 4` RGBA bytes, row-major. */
export type RgbaImage = { width: number; height: number; data: Uint8Array };

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Limits checked before an image is decoded (a small file can claim a huge image). */
export type DecodeLimits = {
  /** Most pixels (width x height, from the header) decoded. Default 64e6 (64 megapixels: 256 MB of RGBA). */
  maxPixels?: number;
  /** Most bytes of an encoded file. Default 128 MiB. */
  maxBytes?: number;
};

/** The defaults of {@link DecodeLimits}. */
export const DECODE_LIMITS: Required<DecodeLimits> = { maxPixels: 64e6, maxBytes: 128 * 2 ** 20 };

const isPng = (b: Uint8Array) => PNG_SIGNATURE.every((v, i) => b[i] === v);
const isJpeg = (b: Uint8Array) => b[0] === 0xff && b[1] === 0xd8;
const u16 = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
const u32 = (b: Uint8Array, i: number) => ((b[i] << 24) >>> 0) + (b[i + 1] << 16) + u16(b, i + 2);

/**
 * Width and height as a PNG's IHDR or a JPEG's start-of-frame header states
 * them, read without decoding; null when the header is not found (the
 * decoder then says what is wrong).
 */
export function imageHeaderSize(bytes: Uint8Array): { width: number; height: number } | null {
  if (isPng(bytes)) {
    // signature (8), IHDR chunk: length (4), 'IHDR' (4), width (4), height (4)
    if (bytes.length < 24 || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') return null;
    return { width: u32(bytes, 16), height: u32(bytes, 20) };
  }
  if (isJpeg(bytes)) {
    // segments: FF <marker> <length: 2 bytes, including itself> <payload>
    let i = 2;
    while (i + 9 < bytes.length) {
      if (bytes[i] !== 0xff) return null;
      const marker = bytes[i + 1];
      if (marker === 0xff) {
        i++; // fill byte
        continue;
      }
      // SOF0..SOF15 but DHT (C4), JPG (C8), DAC (CC): precision (1), height (2), width (2)
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
        return { width: u16(bytes, i + 7), height: u16(bytes, i + 5) };
      if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) i += 2;
      else if (marker === 0xd9 || marker === 0xda)
        return null; // end, or scan data before a frame
      else i += 2 + u16(bytes, i + 2);
    }
  }
  return null;
}

/**
 * Decodes a PNG (pngjs) or JPEG (jpeg-js) file's bytes into 8-bit RGBA,
 * choosing the decoder by the file's signature, not its name. Paletted,
 * grayscale and 16-bit PNGs come out as 8-bit RGBA; grayscale JPEGs too.
 * The file's size and the width x height its header states are checked
 * against `limits` before anything is decoded (a 400 KB PNG can claim
 * 20000 x 20000 pixels, 1.6 GB of RGBA). Throws an Error that says what was
 * wrong with the bytes.
 */
export function decodeImage(bytes: Uint8Array, limits: DecodeLimits = {}): RgbaImage {
  const { maxPixels, maxBytes } = { ...DECODE_LIMITS, ...limits };
  if (bytes.length === 0) throw new Error('the file is empty');
  if (bytes.length > maxBytes) {
    throw new Error(
      `the file has ${bytes.length} bytes, more than the limit of ${maxBytes} (maxBytes); not decoded`,
    );
  }
  const size = imageHeaderSize(bytes);
  if (size && size.width * size.height > maxPixels) {
    throw new Error(
      `its header states ${size.width}x${size.height} pixels, more than the limit of ${maxPixels} (maxPixels); not decoded`,
    );
  }
  if (isPng(bytes)) {
    const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
    return { width: png.width, height: png.height, data: png.data };
  }
  if (isJpeg(bytes)) {
    const img = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      // the same limit inside jpeg-js, for a frame header the scan above did not reach
      maxResolutionInMP: maxPixels / 1e6,
      maxMemoryUsageInMB: Math.max(512, (maxPixels * 8) / 2 ** 20),
    });
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

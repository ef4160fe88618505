// The IDX file format (LeCun et al.'s MNIST files, and the data sets that ship
// like MNIST): a 4-byte magic number (two zero bytes, a type code, the number
// of dimensions), one big-endian uint32 per dimension, then the values
// big-endian, row-major. Browser-safe: bytes in, bytes out; reading and
// writing files is in '@ssl/data/node' (readIdx, writeIdx, idxTensors).

/** The element types of IDX, by name. */
export type IdxType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/** The typed array that holds each {@link IdxType}. */
export type IdxArray =
  Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** A decoded IDX file: its type, its dimensions and its values, row-major. */
export type Idx = { type: IdxType; dims: number[]; data: IdxArray };

/** Options of {@link parseIdx}. */
export type ParseIdxOptions = {
  /** The name used in errors (a file name). Default `'IDX data'`. */
  name?: string;
  /**
   * Decompresses gzip bytes (files that start with 0x1f 0x8b), e.g. Node's
   * `zlib.gunzipSync` (which `readIdx` of '@ssl/data/node' passes) or a
   * browser library's. Without it, gzip input is refused with a line that says so.
   */
  gunzip?: (bytes: Uint8Array) => Uint8Array;
};

type TypeInfo = { type: IdxType; code: number; size: number };

const TYPES: readonly TypeInfo[] = [
  { type: 'uint8', code: 0x08, size: 1 },
  { type: 'int8', code: 0x09, size: 1 },
  { type: 'int16', code: 0x0b, size: 2 },
  { type: 'int32', code: 0x0c, size: 4 },
  { type: 'float32', code: 0x0d, size: 4 },
  { type: 'float64', code: 0x0e, size: 8 },
];

const hex = (n: number, digits = 2): string => `0x${n.toString(16).padStart(digits, '0')}`;
const shape = (dims: readonly number[]): string => dims.join('×');

/** True when `bytes` start with the gzip magic number 0x1f 0x8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Decodes IDX bytes (raw, or gzip with `options.gunzip`) into `{ type, dims,
 * data }`. Checks, each an Error of one line naming `options.name`: the magic
 * number (two zero bytes first), the type code, a header that fits, and that
 * the product of the dimensions times the element size equals the bytes
 * after the header (fewer: truncated; more: trailing data).
 *
 * @example
 * ```ts
 * const { dims, data } = parseIdx(bytes, { name: 'train-labels-idx1-ubyte' });
 * // dims [60000], data Uint8Array
 * ```
 */
export function parseIdx(bytes: Uint8Array, options: ParseIdxOptions = {}): Idx {
  return decodeIdx('parseIdx', bytes, options);
}

/** {@link parseIdx} with the calling function's name in its errors. */
export function decodeIdx(
  caller: string,
  input: Uint8Array,
  { name = 'IDX data', gunzip }: ParseIdxOptions = {},
): Idx {
  if (!(input instanceof Uint8Array)) {
    throw new Error(
      `${caller}: ${name}: expected the file's bytes (a Uint8Array), got ${typeof input}`,
    );
  }
  let bytes = input;
  if (isGzip(bytes)) {
    if (!gunzip) {
      throw new Error(
        `${caller}: ${name} is gzip-compressed; pass options.gunzip (e.g. zlib.gunzipSync) or use readIdx from '@ssl/data/node'`,
      );
    }
    try {
      bytes = gunzip(bytes);
    } catch (err) {
      throw new Error(
        `${caller}: ${name} is damaged gzip data (${(err as Error).message.split('\n')[0]})`,
      );
    }
  }
  if (bytes.length < 4) {
    throw new Error(
      `${caller}: ${name} is not an IDX file: ${bytes.length} bytes, shorter than the 4-byte magic number`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new Error(
      `${caller}: ${name} is not an IDX file: magic number ${hex(view.getUint32(0, false), 8)} does not start with two zero bytes`,
    );
  }
  const info = TYPES.find((t) => t.code === bytes[2]);
  if (!info) {
    throw new Error(
      `${caller}: ${name}: unsupported IDX type code ${hex(bytes[2])} (expected ${TYPES.map((t) => `${hex(t.code)} ${t.type}`).join(', ')})`,
    );
  }
  const rank = bytes[3];
  if (rank === 0) throw new Error(`${caller}: ${name}: the IDX header declares 0 dimensions`);
  const header = 4 + 4 * rank;
  if (bytes.length < header) {
    throw new Error(
      `${caller}: ${name} is truncated: its header of ${rank} dimensions needs ${header} bytes, the file has ${bytes.length}`,
    );
  }
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((p, d) => p * d, 1);
  const need = count * info.size;
  const have = bytes.length - header;
  if (have < need) {
    throw new Error(
      `${caller}: ${name} is truncated: dimensions ${shape(dims)} of ${info.type} need ${need} bytes after the header, the file has ${have}`,
    );
  }
  if (have > need) {
    throw new Error(
      `${caller}: ${name}: ${have - need} bytes beyond the ${need} that dimensions ${shape(dims)} of ${info.type} need (wrong dimensions or trailing data)`,
    );
  }
  return { type: info.type, dims, data: readValues(view, header, info, count) };
}

/** The `count` big-endian values of `info`'s type from `offset`, in their own typed array. */
function readValues(view: DataView, offset: number, info: TypeInfo, count: number): IdxArray {
  const at = (i: number) => offset + i * info.size;
  switch (info.type) {
    case 'uint8':
      return new Uint8Array(
        view.buffer.slice(view.byteOffset + offset, view.byteOffset + offset + count),
      );
    case 'int8':
      return new Int8Array(
        view.buffer.slice(view.byteOffset + offset, view.byteOffset + offset + count),
      );
    case 'int16': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(at(i), false);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(at(i), false);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(at(i), false);
      return out;
    }
    case 'float64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(at(i), false);
      return out;
    }
  }
}

/** The IDX type of a typed array, by its class. */
function typeOf(data: unknown): TypeInfo | undefined {
  const byName = (type: IdxType) => TYPES.find((t) => t.type === type);
  if (data instanceof Uint8Array) return byName('uint8');
  if (data instanceof Int8Array) return byName('int8');
  if (data instanceof Int16Array) return byName('int16');
  if (data instanceof Int32Array) return byName('int32');
  if (data instanceof Float32Array) return byName('float32');
  if (data instanceof Float64Array) return byName('float64');
  return undefined;
}

/**
 * Encodes values and their dimensions as raw IDX bytes (the inverse of
 * {@link parseIdx}); the type follows the typed array (`Uint8Array` → 0x08,
 * `Int8Array` → 0x09, `Int16Array` → 0x0B, `Int32Array` → 0x0C,
 * `Float32Array` → 0x0D, `Float64Array` → 0x0E).
 *
 * @example
 * ```ts
 * const bytes = encodeIdx({ dims: [2, 28, 28], data: new Uint8Array(2 * 784) });
 * ```
 */
export function encodeIdx({ dims, data }: { dims: readonly number[]; data: IdxArray }): Uint8Array {
  const info = typeOf(data);
  if (!info) {
    throw new Error(
      `encodeIdx: data must be a Uint8Array, Int8Array, Int16Array, Int32Array, Float32Array or Float64Array, got ${Object.prototype.toString.call(data)}`,
    );
  }
  if (!Array.isArray(dims) || dims.length < 1 || dims.length > 255) {
    throw new Error(`encodeIdx: dims must be 1 to 255 dimensions, got ${JSON.stringify(dims)}`);
  }
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0 || d > 0xffffffff) {
      throw new Error(
        `encodeIdx: each dimension must be an integer in [0, 2^32), got ${JSON.stringify(dims)}`,
      );
    }
  }
  const count = dims.reduce((p, d) => p * d, 1);
  if (count !== data.length) {
    throw new Error(`encodeIdx: dims ${shape(dims)} hold ${count} values, data has ${data.length}`);
  }
  const header = 4 + 4 * dims.length;
  const out = new Uint8Array(header + count * info.size);
  const view = new DataView(out.buffer);
  out[2] = info.code;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  for (let i = 0; i < count; i++) {
    const at = header + i * info.size;
    const v = data[i];
    if (info.type === 'uint8') out[at] = v;
    else if (info.type === 'int8') view.setInt8(at, v);
    else if (info.type === 'int16') view.setInt16(at, v, false);
    else if (info.type === 'int32') view.setInt32(at, v, false);
    else if (info.type === 'float32') view.setFloat32(at, v, false);
    else view.setFloat64(at, v, false);
  }
  return out;
}

/** Images (and labels) of an IDX pair as flat arrays, checked. */
export type IdxImageArrays = {
  /** `count * height * width * channels` values in [0, 1], image after image, HWC. */
  images: Float32Array;
  /** `count` class indices, when labels were given. */
  labels?: Int32Array;
  /** Number of images. */
  count: number;
  /** Shape of one image, `[height, width, channels]` (channels 1 for a 3-dimensional file). */
  shape: [number, number, number];
};

/** Names of the two files, for errors. */
export type IdxNames = { images?: string; labels?: string };

/**
 * Turns a decoded images file (dims `[count, height, width]` or `[count,
 * height, width, channels]`; uint8 scaled by 1/255, or float already in
 * [0, 1]) and an optional labels file (dims `[count]`, integers >= 0, as many
 * as images) into {@link IdxImageArrays}; `limit` keeps the first images.
 * Errors name the file at fault.
 */
export function idxImageArrays(
  caller: string,
  images: Idx,
  labels: Idx | undefined,
  names: IdxNames = {},
  limit?: number,
): IdxImageArrays {
  const imagesName = names.images ?? 'the images file';
  const labelsName = names.labels ?? 'the labels file';
  const { dims } = images;
  if (dims.length !== 3 && dims.length !== 4) {
    throw new Error(
      `${caller}: ${imagesName}: images must have 3 dimensions (count, height, width) or 4 (count, height, width, channels), got ${dims.length} (${shape(dims)})`,
    );
  }
  const [n, h, w] = dims;
  const c = dims.length === 4 ? dims[3] : 1;
  if (h < 1 || w < 1 || c < 1) {
    throw new Error(
      `${caller}: ${imagesName}: image dimensions must be positive, got ${shape(dims)}`,
    );
  }
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    throw new Error(`${caller}: limit must be a positive integer, got ${String(limit)}`);
  }
  const size = h * w * c;
  if (images.data.length !== n * size) {
    throw new Error(
      `${caller}: ${imagesName}: dimensions ${shape(dims)} hold ${n * size} values, the data has ${images.data.length}`,
    );
  }
  const count = limit === undefined ? n : Math.min(limit, n);
  const out = new Float32Array(count * size);
  const src = images.data;
  if (images.type === 'uint8') {
    for (let i = 0; i < out.length; i++) out[i] = src[i] / 255;
  } else if (images.type === 'float32' || images.type === 'float64') {
    for (let i = 0; i < out.length; i++) {
      const v = src[i];
      if (!(v >= 0 && v <= 1)) {
        throw new Error(
          `${caller}: ${imagesName}: float pixels must be in [0, 1], got ${v} at value ${i}`,
        );
      }
      out[i] = v;
    }
  } else {
    throw new Error(
      `${caller}: ${imagesName}: images must be uint8 (type 0x08, scaled by 1/255) or float32/float64 in [0, 1], got ${images.type}`,
    );
  }
  const result: IdxImageArrays = { images: out, count, shape: [h, w, c] };
  if (labels) {
    if (labels.dims.length !== 1) {
      throw new Error(
        `${caller}: ${labelsName}: labels must have 1 dimension (count), got ${labels.dims.length} (${shape(labels.dims)})`,
      );
    }
    if (labels.type === 'float32' || labels.type === 'float64') {
      throw new Error(`${caller}: ${labelsName}: labels must be integers, got ${labels.type}`);
    }
    if (labels.dims[0] !== n) {
      throw new Error(
        `${caller}: ${labelsName} holds ${labels.dims[0]} labels but ${imagesName} holds ${n} images`,
      );
    }
    const ids = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const v = labels.data[i];
      if (v < 0) throw new Error(`${caller}: ${labelsName}: label ${i} is ${v}, expected >= 0`);
      ids[i] = v;
    }
    result.labels = ids;
  }
  return result;
}

/**
 * The safetensors file format (https://github.com/huggingface/safetensors):
 *
 * ```
 * 8 bytes     N, the header's length, unsigned 64-bit little-endian
 * N bytes     JSON header: { "<name>": { "dtype": "F32", "shape": [..], "data_offsets": [begin, end] },
 *                            "__metadata__": { "<key>": "<string>" } }, padded with spaces
 * rest        the tensors' bytes, little-endian, row-major, at [begin, end) of this part
 * ```
 *
 * Only what the PyTorch hand-off needs: F32, I32 and U8 are written; F32, F64,
 * I32, I64 and U8 are read (F64 and I64 converted to float32 / int32).
 */

/** One named tensor of a safetensors file, row-major. */
export interface SafeTensor {
  dtype: 'float32' | 'int32' | 'uint8';
  shape: number[];
  data: Float32Array | Int32Array | Uint8Array;
}

/** The contents of a safetensors file: tensors in file order, and the string metadata. */
export interface SafeTensorsFile {
  tensors: Map<string, SafeTensor>;
  metadata: Record<string, string>;
}

const FN_W = 'encodeSafetensors';
const FN_R = 'decodeSafetensors';
/** Refuse headers bigger than this (the reference reader's limit is 100 MB). */
const MAX_HEADER = 100_000_000;

const DTYPE_OUT: Record<SafeTensor['dtype'], string> = {
  float32: 'F32',
  int32: 'I32',
  uint8: 'U8',
};
const BYTES: Record<string, number> = { F32: 4, F64: 8, I32: 4, I64: 8, U8: 1 };

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Encodes `tensors` (in the given order) and string `metadata` as one safetensors file. */
export function encodeSafetensors(
  tensors: Map<string, SafeTensor> | [string, SafeTensor][],
  metadata: Record<string, string> = {},
): Uint8Array {
  const entries = tensors instanceof Map ? [...tensors] : tensors;
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') {
        throw new Error(`${FN_W}: metadata '${k}' must be a string, got ${typeof v}`);
      }
    }
    header.__metadata__ = metadata;
  }
  let offset = 0;
  for (const [name, t] of entries) {
    if (name === '__metadata__' || name in header) {
      throw new Error(`${FN_W}: tensor name '${name}' is reserved or repeated`);
    }
    if (!t.shape.every((d) => Number.isInteger(d) && d >= 0) || size(t.shape) !== t.data.length) {
      throw new Error(
        `${FN_W}: tensor '${name}' has shape [${t.shape}] but ${t.data.length} values`,
      );
    }
    const bytes = t.data.length * BYTES[DTYPE_OUT[t.dtype]];
    header[name] = {
      dtype: DTYPE_OUT[t.dtype],
      shape: t.shape,
      data_offsets: [offset, offset + bytes],
    };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  // Pad the header with spaces so that the data starts 8-byte aligned.
  const jsonBytes = () => new TextEncoder().encode(json);
  let hb = jsonBytes();
  if (hb.length % 8 !== 0) {
    json += ' '.repeat(8 - (hb.length % 8));
    hb = jsonBytes();
  }
  const out = new Uint8Array(8 + hb.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(hb.length), true);
  out.set(hb, 8);
  let p = 8 + hb.length;
  for (const [, t] of entries) {
    if (t.dtype === 'uint8') {
      out.set(t.data, p);
      p += t.data.length;
      continue;
    }
    for (let i = 0; i < t.data.length; i++, p += 4) {
      if (t.dtype === 'float32') view.setFloat32(p, t.data[i], true);
      else view.setInt32(p, t.data[i], true);
    }
  }
  return out;
}

/** Decodes a safetensors file; throws one clear line for anything malformed. */
export function decodeSafetensors(bytes: Uint8Array): SafeTensorsFile {
  if (bytes.length < 8) {
    throw new Error(`${FN_R}: expected at least 8 bytes (the header length), got ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(Math.min(MAX_HEADER, bytes.length - 8))) {
    throw new Error(
      `${FN_R}: header length ${n} exceeds the file (${bytes.length} bytes); not a safetensors file`,
    );
  }
  const headerLen = Number(n);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen)));
  } catch (e) {
    throw new Error(`${FN_R}: the header is not JSON (${(e as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    throw new Error(`${FN_R}: the header must be a JSON object`);
  }
  const dataStart = 8 + headerLen;
  const dataLen = bytes.length - dataStart;
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  const tensors = new Map<string, SafeTensor>();
  const spans: [number, number, string][] = [];
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const e = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const width = BYTES[e?.dtype as string];
    if (width === undefined) {
      throw new Error(
        `${FN_R}: tensor '${name}' has dtype ${JSON.stringify(e?.dtype)}; supported: F32, F64, I32, I64, U8`,
      );
    }
    const shape = e.shape as number[];
    const offs = e.data_offsets as number[];
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new Error(`${FN_R}: tensor '${name}' has a bad shape ${JSON.stringify(e.shape)}`);
    }
    if (
      !Array.isArray(offs) ||
      offs.length !== 2 ||
      !offs.every((o) => Number.isInteger(o) && o >= 0) ||
      offs[1] < offs[0] ||
      offs[1] > dataLen ||
      offs[1] - offs[0] !== size(shape) * width
    ) {
      throw new Error(
        `${FN_R}: tensor '${name}' has data_offsets ${JSON.stringify(offs)}, expected ${size(shape) * width} bytes inside the ${dataLen}-byte data part`,
      );
    }
    spans.push([offs[0], offs[1], name]);
    const count = size(shape);
    const p0 = dataStart + offs[0];
    if (e.dtype === 'U8') {
      tensors.set(name, { dtype: 'uint8', shape, data: bytes.slice(p0, p0 + count) });
      continue;
    }
    const dtype = e.dtype === 'F32' || e.dtype === 'F64' ? 'float32' : 'int32';
    const data = dtype === 'float32' ? new Float32Array(count) : new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const p = p0 + i * width;
      if (e.dtype === 'F32') data[i] = view.getFloat32(p, true);
      else if (e.dtype === 'F64') data[i] = view.getFloat64(p, true);
      else if (e.dtype === 'I32') data[i] = view.getInt32(p, true);
      else data[i] = Number(view.getBigInt64(p, true));
    }
    tensors.set(name, { dtype, shape, data });
  }
  spans.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i][0] < spans[i - 1][1]) {
      throw new Error(`${FN_R}: tensors '${spans[i - 1][2]}' and '${spans[i][2]}' overlap`);
    }
  }
  return { tensors, metadata };
}

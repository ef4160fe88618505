import { decodeSafetensors, encodeSafetensors } from './safetensors';

/** The file the format's description gives for these tensors, built byte by byte. */
function handBuilt(): Uint8Array {
  const header =
    '{"__metadata__":{"k":"v"},"a":{"dtype":"F32","shape":[1,2],"data_offsets":[0,8]},' +
    '"b":{"dtype":"I32","shape":[1],"data_offsets":[8,12]},"c":{"dtype":"U8","shape":[2],"data_offsets":[12,14]}}';
  const padded = header + ' '.repeat((8 - (header.length % 8)) % 8);
  const out = new Uint8Array(8 + padded.length + 14);
  const view = new DataView(out.buffer);
  view.setUint32(0, padded.length, true); // u64 little-endian, high word 0
  out.set(new TextEncoder().encode(padded), 8);
  const p = 8 + padded.length;
  view.setFloat32(p, 1.5, true);
  view.setFloat32(p + 4, -2, true);
  view.setInt32(p + 8, -7, true);
  out[p + 12] = 0;
  out[p + 13] = 255;
  return out;
}

describe('safetensors', () => {
  const tensors = [
    ['a', { dtype: 'float32', shape: [1, 2], data: Float32Array.from([1.5, -2]) }],
    ['b', { dtype: 'int32', shape: [1], data: Int32Array.from([-7]) }],
    ['c', { dtype: 'uint8', shape: [2], data: Uint8Array.from([0, 255]) }],
  ] as const;

  it('writes exactly the bytes of the format, header padded to 8 bytes', () => {
    const bytes = encodeSafetensors(
      tensors.map(([n, t]) => [n, { ...t, shape: [...t.shape] }]),
      { k: 'v' },
    );
    expect(Array.from(bytes)).toEqual(Array.from(handBuilt()));
    expect((bytes.length - 14) % 8).toBe(0);
  });

  it('reads the hand-built file back, in order, with metadata', () => {
    const f = decodeSafetensors(handBuilt());
    expect(f.metadata).toEqual({ k: 'v' });
    expect([...f.tensors.keys()]).toEqual(['a', 'b', 'c']);
    expect(Array.from(f.tensors.get('a')!.data)).toEqual([1.5, -2]);
    expect(f.tensors.get('b')).toEqual({ dtype: 'int32', shape: [1], data: Int32Array.from([-7]) });
    expect(f.tensors.get('c')!.data).toEqual(Uint8Array.from([0, 255]));
  });

  it('reads F64 and I64 (as written by numpy / PyTorch) as float32 / int32', () => {
    const header =
      '{"x":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"y":{"dtype":"I64","shape":[1],"data_offsets":[8,16]}}';
    const out = new Uint8Array(8 + header.length + 16);
    const view = new DataView(out.buffer);
    view.setUint32(0, header.length, true);
    out.set(new TextEncoder().encode(header), 8);
    view.setFloat64(8 + header.length, 0.25, true);
    view.setBigInt64(16 + header.length, -3n, true);
    const f = decodeSafetensors(out);
    expect(f.tensors.get('x')).toEqual({
      dtype: 'float32',
      shape: [1],
      data: Float32Array.from([0.25]),
    });
    expect(f.tensors.get('y')).toEqual({ dtype: 'int32', shape: [1], data: Int32Array.from([-3]) });
  });

  it('refuses malformed files with one clear line', () => {
    const good = handBuilt();
    expect(() => decodeSafetensors(good.subarray(0, 4))).toThrow(/at least 8 bytes/);
    expect(() => decodeSafetensors(good.subarray(0, good.length - 1))).toThrow(/data_offsets/);
    const huge = good.slice();
    new DataView(huge.buffer).setUint32(0, 1e6, true);
    expect(() => decodeSafetensors(huge)).toThrow(/exceeds the file/);
    const bf16 = encodeSafetensors([]);
    expect(decodeSafetensors(bf16).tensors.size).toBe(0);
    expect(() =>
      encodeSafetensors([['a', { dtype: 'float32', shape: [3], data: new Float32Array(2) }]]),
    ).toThrow(/shape \[3\] but 2 values/);
    expect(() =>
      encodeSafetensors([
        ['__metadata__', { dtype: 'float32', shape: [0], data: new Float32Array(0) }],
      ]),
    ).toThrow(/reserved/);
  });
});

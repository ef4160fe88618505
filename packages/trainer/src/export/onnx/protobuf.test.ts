import { ProtoWriter, varint } from './protobuf';

describe('protobuf writer', () => {
  it('encodes varints as in the protobuf spec examples', () => {
    // https://protobuf.dev/programming-guides/encoding/: 1 -> 01, 150 -> 96 01, 300 -> ac 02
    expect(Array.from(varint(1n))).toEqual([0x01]);
    expect(Array.from(varint(150n))).toEqual([0x96, 0x01]);
    expect(Array.from(varint(300n))).toEqual([0xac, 0x02]);
    // -1 as int64: ten bytes, ff x9 then 01
    expect(Array.from(varint(-1n))).toEqual([...Array(9).fill(0xff), 0x01]);
  });

  it('writes tags, strings, floats and packed fields', () => {
    // field 1 varint 150: 08 96 01 (the spec's "Test1" message)
    expect(Array.from(new ProtoWriter().int(1, 150).finish())).toEqual([0x08, 0x96, 0x01]);
    // field 2 string "testing": 12 07 74 65 73 74 69 6e 67
    expect(Array.from(new ProtoWriter().string(2, 'testing').finish())).toEqual([
      0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67,
    ]);
    // field 4 packed [3, 270, 86942]: 22 06 03 8e 02 9e a7 05
    expect(Array.from(new ProtoWriter().packedInts(4, [3, 270, 86942]).finish())).toEqual([
      0x22, 0x06, 0x03, 0x8e, 0x02, 0x9e, 0xa7, 0x05,
    ]);
    // field 2 float 1.0: tag (2<<3)|5 = 0x15, then 00 00 80 3f
    expect(Array.from(new ProtoWriter().float(2, 1).finish())).toEqual([
      0x15, 0x00, 0x00, 0x80, 0x3f,
    ]);
  });
});

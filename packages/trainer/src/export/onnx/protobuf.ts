// A minimal protocol-buffers writer: just what the ONNX messages need
// (varints, length-delimited bytes, packed int64s, little-endian floats).
// Wire format: https://protobuf.dev/programming-guides/encoding/

/** Wire types of the protobuf encoding. */
const VARINT = 0;
const I32 = 5;
const LEN = 2;

/** Appends protobuf fields to a growing byte list; `finish()` returns the message bytes. */
export class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  private length = 0;

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }

  private tag(field: number, wire: number): void {
    this.push(varint(BigInt((field << 3) | wire)));
  }

  /** An int32/int64/enum/bool field (negative values as 10-byte two's complement). */
  int(field: number, value: number | bigint): this {
    this.tag(field, VARINT);
    this.push(varint(BigInt(value)));
    return this;
  }

  /** A 32-bit float field. */
  float(field: number, value: number): this {
    this.tag(field, I32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.push(b);
    return this;
  }

  /** A bytes field (also embedded messages). */
  bytes(field: number, value: Uint8Array): this {
    this.tag(field, LEN);
    this.push(varint(BigInt(value.length)));
    this.push(value);
    return this;
  }

  /** A UTF-8 string field. */
  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  /** An embedded message field. */
  message(field: number, value: ProtoWriter): this {
    return this.bytes(field, value.finish());
  }

  /** A packed repeated int64 field. */
  packedInts(field: number, values: readonly number[]): this {
    const body = new ProtoWriter();
    for (const v of values) body.push(varint(BigInt(v)));
    return this.bytes(field, body.finish());
  }

  /** The bytes written so far. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

/** Base-128 varint of `value`; a negative value is taken as its 64-bit two's complement. */
export function varint(value: bigint): Uint8Array {
  let v = value < 0n ? (1n << 64n) + value : value;
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return Uint8Array.from(out);
}

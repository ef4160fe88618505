/**
 * Whether this WebAssembly engine accepts relaxed SIMD: validates a 35-byte
 * module whose one function is `(v128, v128, v128) -> v128` returning
 * `f32x4.relaxed_madd` of its parameters (opcode 0xfd 0x105). Node >= 21 and
 * Chrome >= 114 do by default; Node 20 only with --experimental-wasm-relaxed-simd.
 */
const RELAXED_MADD_MODULE = new Uint8Array([
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00, // magic, version 1
  0x01,
  0x08,
  0x01,
  0x60,
  0x03,
  0x7b,
  0x7b,
  0x7b,
  0x01,
  0x7b, // type: (v128 v128 v128) -> v128
  0x03,
  0x02,
  0x01,
  0x00, // function 0 of type 0
  0x0a,
  0x0d,
  0x01,
  0x0b,
  0x00, // code: one body of 11 bytes, no locals
  0x20,
  0x00,
  0x20,
  0x01,
  0x20,
  0x02, // local.get 0, 1, 2
  0xfd,
  0x85,
  0x02, // f32x4.relaxed_madd
  0x0b, // end
]);

export function relaxedSimdSupported(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(RELAXED_MADD_MODULE);
  } catch {
    return false;
  }
}

import '@ssl/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { tuning } from '../tuning';
import {
  compileSimdKernels,
  heapAddress,
  simdKernels,
  wantedSimdBuild,
  wasmSimdBuild,
} from './module';
import { relaxedSimdSupported } from './relaxed-simd';

describe('the WASM SIMD kernels module', () => {
  it('compiles and runs on the wasm backend heap in Node (so the SIMD paths are the ones tested)', async () => {
    expect(await compileSimdKernels()).toBe(true);
    await tf.setBackend('wasm');
    const simd = simdKernels(tf.backend());
    expect(simd).not.toBeNull();
    expect(simdKernels(tf.backend())).toBe(simd); // one instance per heap
  });

  it('runs the build this jest project names (jest.simd-build.cjs), one instance per build', async () => {
    await tf.setBackend('wasm');
    const named = (globalThis as { SSL_SIMD_BUILD?: string }).SSL_SIMD_BUILD;
    expect(['relaxed-simd', 'simd128']).toContain(named);
    expect(wasmSimdBuild(tf.backend())).toBe(named);
    expect(wasmSimdBuild()).toBe(named);
    const saved = tuning.simdBuild;
    try {
      tuning.simdBuild = 'relaxed-simd';
      const relaxed = simdKernels(tf.backend());
      tuning.simdBuild = 'simd128';
      const plain = simdKernels(tf.backend());
      expect(plain).not.toBeNull();
      if (relaxedSimdSupported()) {
        expect(relaxed).not.toBeNull();
        expect(relaxed).not.toBe(plain);
      } else {
        expect(relaxed).toBeNull(); // forced where it does not validate: the fallbacks run
      }
      tuning.simd = false;
      expect(wasmSimdBuild(tf.backend())).toBe('none');
    } finally {
      tuning.simdBuild = saved;
      tuning.simd = true;
    }
  });

  it("picks relaxed SIMD by feature detection under 'auto' (on by default from Node 21)", () => {
    const saved = tuning.simdBuild;
    try {
      tuning.simdBuild = 'auto';
      expect(wantedSimdBuild()).toBe(relaxedSimdSupported() ? 'relaxed-simd' : 'simd128');
      if (Number(process.versions.node.split('.')[0]) >= 21) {
        expect(relaxedSimdSupported()).toBe(true);
      }
    } finally {
      tuning.simdBuild = saved;
    }
  });

  it('pads an NHWC tensor in place on the heap (pad_nhwc against a hand-made result)', async () => {
    await tf.setBackend('wasm');
    const simd = simdKernels(tf.backend())!;
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6], [1, 2, 3, 1]);
    const xp = tf.fill([1, 4, 3, 1], 9); // overwritten: zeros must be written, not assumed
    const b = tf.backend() as unknown as {
      typedArrayFromHeap(t: tf.Tensor): Float32Array;
    };
    const addr = (t: tf.Tensor): number => b.typedArrayFromHeap(t).byteOffset;
    // one row and one column of padding before, the last column of x dropped
    simd.pad_nhwc(addr(x), 1, 2, 3, 1, addr(xp), 4, 3, 1, 1);
    expect(Array.from(xp.dataSync())).toEqual([0, 0, 0, 0, 1, 2, 0, 4, 5, 0, 0, 0]);
    tf.dispose([x, xp]);
  });

  it('is not used when tuning.simd is off, nor on a backend without a wasm heap', async () => {
    await tf.setBackend('wasm');
    tuning.simd = false;
    try {
      expect(simdKernels(tf.backend())).toBeNull();
    } finally {
      tuning.simd = true;
    }
    expect(simdKernels({})).toBeNull();
    expect(simdKernels({ wasm: { asm: { memory: {} } } })).toBeNull();
  });

  it('refuses a heap view that the heap growth detached (it would point at address 0)', () => {
    const buffer = new ArrayBuffer(64);
    const view = new Float32Array(buffer, 16, 4);
    expect(heapAddress(view)).toBe(16);
    structuredClone(buffer, { transfer: [buffer] }); // detaches, as WebAssembly.Memory.grow does
    expect(() => heapAddress(view)).toThrow(/before the heap grew/);
  });
});

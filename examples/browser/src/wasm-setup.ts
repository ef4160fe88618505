/**
 * The WASM backend's setup, shared by the page and its training workers (src/ssl-worker.ts):
 * the bundled URLs of tfjs-backend-wasm's binaries, and the single-threaded build.
 */
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

/**
 * Registers the wasm backend and tells it where the bundler serves its .wasm binaries. In a
 * cross-origin isolated page tfjs-backend-wasm would pick its threaded build; the page keeps the
 * single-threaded SIMD build instead, on the main thread and in every worker: the cores are
 * used by the training workers (one thread each), and @ssl/backends' SIMD kernels run only on
 * the unshared heap of the single-threaded build.
 */
export function configureWasm(): void {
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmPlain,
    'tfjs-backend-wasm-simd.wasm': wasmSimd,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
  });
}

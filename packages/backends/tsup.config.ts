import { defineConfig } from 'tsup';

export default defineConfig({
  // index: browser-safe API; wasm/cpu/webgl/webgpu/node: side-effect entries that pick
  // a backend at import time; kernels: only registers the wasm training kernels.
  entry: [
    'src/index.ts',
    'src/wasm.ts',
    'src/cpu.ts',
    'src/webgl.ts',
    'src/webgpu.ts',
    'src/node.ts',
    'src/kernels.ts',
  ],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2020',
  // No `shims`: they would import Node's path/url into every ESM entry and
  // break browser bundles. src/node.ts picks __filename or import.meta.url itself.
  external: [/^@tensorflow\//, /^@ssl\//],
});

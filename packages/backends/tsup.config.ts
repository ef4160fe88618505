import { defineConfig, type Options } from 'tsup';

const common: Options = {
  format: ['esm', 'cjs'],
  dts: true,
  // `npm run build` empties dist/ first: the configs below run at the same time.
  clean: false,
  // No source maps: they doubled the tarballs, and the dist code is readable as it is.
  sourcemap: false,
  target: 'es2020',
  // No `shims`: they would import Node's path/url into every ESM entry and
  // break browser bundles. src/node.ts picks __filename or import.meta.url itself.
  external: [/^@tensorflow\//, /^@ssl\//],
};

export default defineConfig([
  {
    ...common,
    // index: browser-safe API; wasm/cpu/webgl/webgpu/node: side-effect entries that pick
    // a backend at import time; kernels: only registers the wasm training kernels.
    // Each imports '@ssl/backends/gradients' (external: the package's own entry).
    entry: [
      'src/index.ts',
      'src/wasm.ts',
      'src/cpu.ts',
      'src/webgl.ts',
      'src/webgpu.ts',
      'src/node.ts',
      'src/kernels.ts',
    ],
  },
  {
    // gradients, for Node: tfjs-core's gradient registrations bundled in, because
    // Node cannot load tfjs-core's ES module files (extensionless imports).
    ...common,
    entry: ['src/gradients.ts'],
    external: ['@tensorflow/tfjs-core'],
    noExternal: [/^@tensorflow\/tfjs-core\/dist\//],
    platform: 'node',
    minify: true,
  },
  {
    // gradients, for bundlers (the `browser` condition): the bare tfjs-core
    // import, which the bundler resolves and shares with tfjs-layers.
    ...common,
    entry: { 'gradients.browser': 'src/gradients.ts' },
    format: ['esm'],
    dts: false,
  },
]);

import { defineConfig } from 'tsup';

export default defineConfig({
  // index: browser-safe main entry; node: datasets that read the file system;
  // mnist-digits: side-effect entry that bundles the optional 'mnist' package.
  entry: ['src/index.ts', 'src/node.ts', 'src/mnist-digits.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  // No source maps: they doubled the tarballs, and the dist code is readable as it is.
  sourcemap: false,
  target: 'es2020',
  external: [/^@tensorflow\//, /^@ssl\//],
});

import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  // No source maps: they doubled the tarballs, and the dist code is readable as it is.
  sourcemap: false,
  target: 'es2020',
  external: [/^@tensorflow\//, /^@ssl\//],
});

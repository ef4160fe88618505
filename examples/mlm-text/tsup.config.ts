import { defineConfig } from 'tsup';

// A Node program; the @ssl packages, tfjs and vega are loaded from node_modules.
export default defineConfig({
  entry: ['src/main.ts'],
  format: ['cjs'],
  dts: false,
  clean: true,
  sourcemap: true,
  target: 'node18',
  platform: 'node',
  external: [/^@tensorflow\//, /^@ssl\//, /^@stdlib\//, 'vega', 'vega-lite'],
});

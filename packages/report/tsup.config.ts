import { defineConfig } from 'tsup';

// CommonJS only: the examples that use it are CommonJS Node programs.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node18',
  platform: 'node',
  external: ['vega', 'vega-lite'],
});

import { defineConfig } from 'tsup';

// A Node program (CommonJS, so `__dirname` finds the repository root); the
// @ssl packages and tfjs are loaded from node_modules, not bundled.
export default defineConfig({
  entry: ['src/main.ts', 'src/recipe.ts'],
  format: ['cjs'],
  dts: false,
  clean: true,
  sourcemap: true,
  target: 'node18',
  platform: 'node',
  external: [/^@tensorflow\//, /^@ssl\//, 'vega', 'vega-lite', 'cli-progress'],
});

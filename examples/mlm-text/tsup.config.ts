import { defineConfig } from 'tsup';

// A Node program; the @ssl packages, tfjs and vega are loaded from node_modules.
export default defineConfig({
  // Named entries: dist/main.js (the study) and dist/step-time.js (the step timer).
  entry: { main: 'src/main.ts', 'step-time': 'scripts/step-time.ts' },
  format: ['cjs'],
  dts: false,
  clean: true,
  sourcemap: true,
  target: 'node18',
  platform: 'node',
  external: [/^@tensorflow\//, /^@ssl\//, /^@stdlib\//, 'vega', 'vega-lite'],
});

import { defineConfig } from 'tsup';
import { nodeProgramBuild } from '../../tsup.base';

// A Node program (CommonJS, so `__dirname` finds the repository root); the
// @ssl packages and tfjs are loaded from node_modules, not bundled.
export default defineConfig({
  ...nodeProgramBuild,
  entry: ['src/main.ts', 'src/recipe.ts', 'src/baseline-thread.ts', 'src/readme.ts'],
  external: [/^@tensorflow\//, /^@ssl\//, 'vega', 'vega-lite', 'cli-progress', 'prettier'],
});

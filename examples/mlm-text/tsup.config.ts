import { defineConfig } from 'tsup';
import { nodeProgramBuild } from '../../tsup.base';

// A Node program; the @ssl packages, tfjs and vega are loaded from node_modules.
export default defineConfig({
  ...nodeProgramBuild,
  // Named entries: dist/main.js (the study) and dist/step-time.js (the step timer).
  entry: { main: 'src/main.ts', 'step-time': 'scripts/step-time.ts' },
  external: [/^@tensorflow\//, /^@ssl\//, /^@stdlib\//, 'vega', 'vega-lite'],
});

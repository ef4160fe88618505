import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/simclr-step.ts', 'src/reference-method.ts'],
  format: ['cjs'],
  platform: 'node',
  clean: true,
  sourcemap: true,
  target: 'es2020',
  external: [/^@tensorflow\//, /^@ssl\//],
});

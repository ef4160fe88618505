import { defineConfig } from 'tsup';

export default defineConfig({
  // index: browser-safe main entry; node: file I/O, checkpoints, terminal callbacks; cli: the `ssl` bin
  entry: ['src/index.ts', 'src/node.ts', 'src/cli.ts'],
  format: ['esm', 'cjs'],
  dts: { entry: ['src/index.ts', 'src/node.ts'] },
  clean: true,
  sourcemap: true,
  target: 'es2020',
  external: [/^@tensorflow\//, /^@ssl\//, 'cli-progress'],
});

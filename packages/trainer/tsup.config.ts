import { defineConfig, type Options } from 'tsup';

const common: Options = {
  clean: false, // `npm run build` empties dist/ first: the configs below run at the same time.
  // No source maps: they doubled the tarballs, and the dist code is readable as it is.
  sourcemap: false,
  target: 'es2020',
  external: [/^@tensorflow\//, /^@ssl\//, 'cli-progress'],
};

export default defineConfig([
  // index: browser-safe main entry; node: file I/O, checkpoints, terminal callbacks
  { ...common, entry: ['src/index.ts', 'src/node.ts'], format: ['esm', 'cjs'], dts: true },
  // cli: the `ssl` command (CommonJS only; bin/ssl.cjs loads it)
  { ...common, entry: ['src/cli.ts'], format: ['cjs'], dts: false },
]);

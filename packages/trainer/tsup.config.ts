import { defineConfig, type Options } from 'tsup';

const common: Options = {
  clean: false, // `npm run build` empties dist/ first: the configs below run at the same time.
  // No source maps: they doubled the tarballs, and the dist code is readable as it is.
  sourcemap: false,
  target: 'es2020',
  external: [/^@tensorflow\//, /^@ssl\//, 'cli-progress'],
};

export default defineConfig([
  // index: browser-safe main entry; node: file I/O, checkpoints, terminal callbacks, worker threads
  // (shims: __dirname in the ES module build, where node-spawn finds worker.js)
  {
    ...common,
    entry: ['src/index.ts', 'src/node.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    shims: true,
  },
  // worker: the script of a Node worker thread of pretrain({ workers }) (CommonJS, run by path)
  { ...common, entry: { worker: 'src/workers/node-entry.ts' }, format: ['cjs'], dts: false },
  // worker entry for browsers: @ssl/trainer/worker (serveTrainerWorker inside a Web Worker)
  {
    ...common,
    entry: { 'web-worker': 'src/workers/browser-entry.ts' },
    format: ['esm', 'cjs'],
    dts: true,
  },
  // cli: the `ssl` command (CommonJS only; bin/ssl.cjs loads it)
  { ...common, entry: ['src/cli.ts'], format: ['cjs'], dts: false },
]);

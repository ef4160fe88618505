import type { Options } from 'tsup';

/**
 * The build every library package shares: ESM and CommonJS with type
 * declarations for ES2020, tfjs and the other @ssl packages left external.
 * A package's tsup.config.ts spreads it and adds its `entry` (and any extra
 * `external`).
 */
export const packageBuild = {
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  // No source maps: they doubled the tarballs, and the dist code is readable as it is.
  sourcemap: false,
  target: 'es2020',
  external: [/^@tensorflow\//, /^@ssl\//],
} satisfies Options;

/**
 * The build of the examples' Node programs: CommonJS for Node 18 with source
 * maps, no type declarations; each config adds its `entry` and `external`.
 */
export const nodeProgramBuild = {
  format: ['cjs'],
  dts: false,
  clean: true,
  sourcemap: true,
  target: 'node18',
  platform: 'node',
} satisfies Options;

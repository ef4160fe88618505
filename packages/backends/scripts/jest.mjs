#!/usr/bin/env node
/**
 * `npm test` of @ssl/backends: jest, started with V8's
 * --experimental-wasm-relaxed-simd on Node 20 (Node >= 21 has relaxed SIMD on
 * by default), so that both builds of the WASM SIMD kernels are tested on
 * every Node line (jest.config.cjs). Arguments go to jest.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const major = Number(process.versions.node.split('.')[0]);
const flags = major < 21 ? ['--experimental-wasm-relaxed-simd'] : [];
// jest's package.json exports only its API and ./bin/jest: the CLI file is bin/jest.js beside it
const jest = createRequire(import.meta.url).resolve('jest/bin/jest');
const run = spawnSync(process.execPath, [...flags, jest, ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exit(run.status ?? 1);

// Two jest projects, one per build of the WASM SIMD kernels (jest.simd-build.cjs sets it):
// 'relaxed-simd' (fused multiply-add) runs every test, 'simd128' the kernel tests again.
// Relaxed SIMD needs Node >= 21, or Node 20 started with --experimental-wasm-relaxed-simd
// (what `npm test` does: scripts/jest.mjs); a bare `npx jest` on Node 20 runs every test
// on the simd128 build only.
const { maxWorkers, testTimeout, ...project } = require('../../jest.preset.cjs')(__dirname);

const setupFiles = ['<rootDir>/jest.simd-build.cjs'];
const relaxed =
  Number(process.versions.node.split('.')[0]) >= 21 ||
  process.execArgv.includes('--experimental-wasm-relaxed-simd');
const simd128 = {
  ...project,
  displayName: 'simd128',
  setupFiles,
  globals: { SSL_SIMD_BUILD: 'simd128' },
};

module.exports = {
  maxWorkers,
  testTimeout,
  projects: relaxed
    ? [
        {
          ...project,
          displayName: 'relaxed-simd',
          setupFiles,
          globals: { SSL_SIMD_BUILD: 'relaxed-simd' },
        },
        { ...simd128, testMatch: ['<rootDir>/src/wasm-kernels/**/*.test.ts'] },
      ]
    : [simd128],
};

/* eslint-disable */
// Jest setup of @ssl/backends (see jest.config.cjs): runs the tests with the
// WASM SIMD kernels of one build, named by the project's global SSL_SIMD_BUILD,
// and fails here, rather than silently testing the fallbacks, where that
// build does not compile.
const build = globalThis.SSL_SIMD_BUILD;
require('./src/wasm-kernels/tuning').tuning.simdBuild = build;
if (require('./src/wasm-kernels/simd/module').wasmSimdBuild() !== build) {
  throw new Error(
    `jest.simd-build: the ${build} build of the WASM SIMD kernels does not compile on Node ` +
      `${process.version} (relaxed SIMD: Node >= 21, or Node 20 through npm test)`,
  );
}

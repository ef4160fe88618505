export { useBackend, autoOrder, type UseBackendOptions } from './use-backend';
export {
  BACKEND_PACKAGES,
  isBackendName,
  type BackendChoice,
  type BackendName,
} from './backend-name';
export { loadBackendPackage } from './load-backend-package';
export {
  registerWasmTrainingKernels,
  WASM_MISSING_KERNELS,
  WASM_FASTER_KERNELS,
  type RegisterWasmKernelsOptions,
} from './wasm-kernels/register';
export { tuning } from './wasm-kernels/tuning';
export { wasmSimdBuild, type WasmSimdBuild } from './wasm-kernels/simd/module';
export { relaxedSimdSupported } from './wasm-kernels/simd/relaxed-simd';

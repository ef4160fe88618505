/** A tfjs backend that @ssl/backends can select. */
export type BackendName = 'tensorflow' | 'wasm' | 'webgpu' | 'webgl' | 'cpu';

/** What `useBackend` accepts: a backend, or 'auto' for the fastest one installed. */
export type BackendChoice = 'auto' | BackendName;

/**
 * The npm package that provides each backend. All are optional peer
 * dependencies of @ssl/backends: install the ones you use.
 * - `tensorflow`: native TensorFlow (CPU, or CUDA with tfjs-node-gpu) for Node; fastest there.
 * - `wasm`: WebAssembly + XNNPACK, Node and browsers; the fast choice without native code.
 * - `webgpu`: the GPU through WebGPU: Chrome/Edge pages, and Node with the `webgpu` package
 *   (Dawn) and a Vulkan driver.
 * - `webgl`: the GPU in a browser page.
 * - `cpu`: plain JavaScript, everywhere; slow, the reference for tests.
 */
export const BACKEND_PACKAGES: Readonly<Record<BackendName, string>> = {
  tensorflow: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  webgpu: '@tensorflow/tfjs-backend-webgpu',
  webgl: '@tensorflow/tfjs-backend-webgl',
  cpu: '@tensorflow/tfjs-backend-cpu',
};

export function isBackendName(name: unknown): name is BackendName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(BACKEND_PACKAGES, name);
}

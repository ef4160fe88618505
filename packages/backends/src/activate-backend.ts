import * as tf from '@tensorflow/tfjs-core';
import type { BackendName } from './backend-name';
import { registerFastGradients } from './fast-gradients/register';
import { registerWasmTrainingKernels } from './wasm-kernels/register';
import { compileSimdKernels } from './wasm-kernels/simd/module';
import { registerWebgpuTrainingKernels } from './webgpu-kernels/register';

/**
 * Makes the already registered backend `name` the active one (for 'wasm' and
 * 'webgpu', with the training kernels of @ssl/backends) and waits until it is ready.
 * Throws if the backend is unknown to tfjs or fails to initialise.
 */
export async function activateBackend(
  name: BackendName,
  caller = 'useBackend',
): Promise<BackendName> {
  if (name === 'wasm') registerWasmTrainingKernels();
  registerFastGradients(); // again: tfjs-layers, imported later, re-registers tfjs-core's
  if (tf.findBackendFactory(name) == null) {
    throw new Error(
      `${caller}: backend '${name}' is not registered with tfjs (is its package imported?)`,
    );
  }
  const ok = await tf.setBackend(name);
  if (!ok) {
    throw new Error(
      `${caller}: backend '${name}' is installed but failed to initialise` +
        (name === 'webgl' ? ' (WebGL needs a browser with a GPU context)' : '') +
        (name === 'webgpu' ? ' (the WebGPU adapter refused a device)' : ''),
    );
  }
  await tf.ready();
  // browsers compile the SIMD kernels asynchronously: have them before the first op
  if (name === 'wasm') await compileSimdKernels();
  if (name === 'webgpu') registerWebgpuTrainingKernels(); // patches the initialised backend
  return name;
}

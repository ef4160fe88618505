import * as tf from '@tensorflow/tfjs-core';
import { keepIntValuesOnUpload } from './keep-int-values';

/**
 * What @ssl/backends corrects in tfjs-backend-webgpu 4.22. The gradient
 * checks in headless Chromium (examples/browser/e2e/gradients.e2e.test.ts)
 * compare every encoder and loss against cpu: all kernels agree (no kernel
 * is replaced); what they found is the synchronous read of labels, see
 * ./keep-int-values.
 */
export const WEBGPU_FIXES: readonly string[] = ['keep int32/bool values on upload (dataSync)'];

/**
 * Applies the fixes to the registered 'webgpu' backend instance (idempotent);
 * call once the backend is initialised. Returns the fixes newly applied.
 */
export function registerWebgpuTrainingKernels(): string[] {
  const backend = tf.findBackend('webgpu'); // null until initialised
  if (backend == null) return [];
  return keepIntValuesOnUpload(backend) ? [...WEBGPU_FIXES] : [];
}

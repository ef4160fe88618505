/**
 * The kernels @ssl/backends registers on tfjs-backend-webgpu: none so far.
 * The gradient tests in headless Chromium (examples/browser/e2e/gradients.e2e.test.ts)
 * check every encoder and loss against cpu; a kernel they find missing or wrong is added here.
 */
export const WEBGPU_FIXED_KERNELS: readonly string[] = [];

/** Registers the webgpu kernels of @ssl/backends (idempotent); returns the names newly registered. */
export function registerWebgpuTrainingKernels(): string[] {
  return [];
}

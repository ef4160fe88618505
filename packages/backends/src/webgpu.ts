/**
 * Side-effect entry: `import '@ssl/backends/webgpu'` bundles
 * @tensorflow/tfjs-backend-webgpu and selects the 'webgpu' backend, with the
 * training kernels @ssl/backends adds to it. Await `backendReady` before the
 * first op. In a browser it needs `navigator.gpu` (Chrome/Edge 113+, a secure
 * context: https:// or http://localhost / 127.0.0.1); in Node the `webgpu`
 * package (Dawn) and a Vulkan, Metal or D3D12 driver. Without them
 * `backendReady` rejects with one line naming what is missing.
 *
 * ```ts
 * import { backendReady } from '@ssl/backends/webgpu';
 * await backendReady; // 'webgpu'
 * ```
 */
import '@ssl/backends/gradients'; // every kernel's gradient, without tfjs-layers
import { activateBackend } from './activate-backend';
import { ensureNavigatorGpu } from './webgpu-navigator';

const CALLER = '@ssl/backends/webgpu';

async function start(): Promise<string> {
  // navigator.gpu must exist before the package is evaluated: it registers the
  // backend only when it sees one. Hence a dynamic import (bundlers still include it).
  await ensureNavigatorGpu(CALLER);
  await import('@tensorflow/tfjs-backend-webgpu');
  return activateBackend('webgpu', CALLER);
}

/** Resolves to 'webgpu' once the backend is selected and initialised. */
export const backendReady: Promise<string> = start();

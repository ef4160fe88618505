/**
 * Side-effect entry: `import '@ssl/backends/wasm'` bundles @tensorflow/tfjs-backend-wasm
 * and selects the 'wasm' backend, with the training kernels it lacks. Await `backendReady`
 * (or `tf.ready()`) before the first op.
 *
 * ```ts
 * import { backendReady } from '@ssl/backends/wasm';
 * await backendReady; // 'wasm'
 * ```
 */
import '@ssl/backends/gradients'; // every kernel's gradient, without tfjs-layers
import '@tensorflow/tfjs-backend-wasm';
import { activateBackend } from './activate-backend';

/** Resolves to 'wasm' once the backend is selected and initialised. */
export const backendReady: Promise<string> = activateBackend('wasm', '@ssl/backends/wasm');

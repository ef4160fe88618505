/**
 * Side-effect entry: `import '@ssl/backends/webgl'` bundles @tensorflow/tfjs-backend-webgl
 * and selects the 'webgl' backend. Await `backendReady` (or `tf.ready()`)
 * before the first op.
 *
 * ```ts
 * import { backendReady } from '@ssl/backends/webgl';
 * await backendReady; // 'webgl'
 * ```
 */
import '@ssl/backends/gradients'; // every kernel's gradient, without tfjs-layers
import '@tensorflow/tfjs-backend-webgl';
import { activateBackend } from './activate-backend';

/** Resolves to 'webgl' once the backend is selected and initialised. */
export const backendReady: Promise<string> = activateBackend('webgl', '@ssl/backends/webgl');

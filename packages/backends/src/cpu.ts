/**
 * Side-effect entry: `import '@ssl/backends/cpu'` bundles @tensorflow/tfjs-backend-cpu
 * and selects the 'cpu' backend. Await `backendReady` (or `tf.ready()`)
 * before the first op.
 *
 * ```ts
 * import { backendReady } from '@ssl/backends/cpu';
 * await backendReady; // 'cpu'
 * ```
 */
import '@ssl/backends/gradients'; // every kernel's gradient, without tfjs-layers
import '@tensorflow/tfjs-backend-cpu';
import { activateBackend } from './activate-backend';

/** Resolves to 'cpu' once the backend is selected and initialised. */
export const backendReady: Promise<string> = activateBackend('cpu', '@ssl/backends/cpu');

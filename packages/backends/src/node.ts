/**
 * Side-effect entry for Node: `import '@ssl/backends/node'` loads the native
 * TensorFlow backend of @tensorflow/tfjs-node (an optional peer dependency,
 * required here and nowhere else) and selects it. Throws at import, naming
 * the package, when it is not installed. Await `backendReady` before the first op.
 *
 * ```ts
 * import { backendReady } from '@ssl/backends/node';
 * await backendReady; // 'tensorflow'
 * ```
 */
import '@ssl/backends/gradients'; // every kernel's gradient, without tfjs-layers
import { createRequire } from 'node:module';
import { activateBackend } from './activate-backend';
import { missingPackageError } from './load-backend-package';

const PACKAGE = '@tensorflow/tfjs-node';

function requireTfjsNode(): void {
  // __filename in CommonJS (and jest); import.meta.url in the ES module build.
  const load = createRequire(typeof __filename === 'string' ? __filename : import.meta.url);
  try {
    load(PACKAGE);
  } catch (err) {
    const e = err as { code?: string; message?: string };
    if (e.code === 'MODULE_NOT_FOUND' && (e.message ?? '').includes(PACKAGE)) {
      throw missingPackageError('@ssl/backends/node', 'tensorflow');
    }
    throw err;
  }
}

requireTfjsNode();

/** Resolves to 'tensorflow' once the native backend is selected. */
export const backendReady: Promise<string> = activateBackend('tensorflow', '@ssl/backends/node');

import '@ssl/backends/gradients'; // every kernel's gradient, without tfjs-layers
import { activateBackend } from './activate-backend';
import {
  BACKEND_PACKAGES,
  isBackendName,
  type BackendChoice,
  type BackendName,
} from './backend-name';
import { isNode, loadBackendPackage, missingPackageError } from './load-backend-package';

/** Options of {@link useBackend}. */
export interface UseBackendOptions {
  /** Do not print the one-line `console.info` that says which backend 'auto' chose. Default false. */
  quiet?: boolean;
}

/** The order in which 'auto' tries backends, fastest first. */
export function autoOrder(): BackendName[] {
  return isNode() ? ['tensorflow', 'wasm', 'cpu'] : ['webgpu', 'webgl', 'wasm', 'cpu'];
}

/**
 * Selects the TensorFlow.js backend and waits until it is ready; resolves to
 * its name. 'auto' takes the fastest one installed — in Node tfjs-node
 * ('tensorflow'), then 'wasm', then 'cpu'; in a browser 'webgpu', then
 * 'webgl', then 'wasm', then 'cpu' — and says in one `console.info` line
 * which it chose and why each one before it was skipped (`quiet` silences
 * it). In Node 'webgpu' (Dawn's `webgpu` package) is not tried by 'auto':
 * ask for it by name. Selecting 'wasm' or 'webgpu' also registers the
 * training kernels @ssl/backends adds to it. A backend whose package is not
 * installed is an Error naming the package; 'webgpu' without `navigator.gpu`
 * is an Error naming what is missing.
 *
 * In a browser bundle, import the side-effect entry (`@ssl/backends/wasm`,
 * `/webgpu`, `/webgl`, `/cpu`) so that the bundler includes the backend package.
 *
 * ```ts
 * import { useBackend } from '@ssl/backends';
 * const backend = await useBackend('auto'); // 'tensorflow' | 'wasm' | ...
 * ```
 */
export async function useBackend(
  name: BackendChoice = 'auto',
  options: UseBackendOptions = {},
): Promise<BackendName> {
  if (name === 'auto') return useFastest(options);
  if (!isBackendName(name)) {
    throw new Error(
      `useBackend: name must be 'auto' or one of ${Object.keys(BACKEND_PACKAGES)
        .map((n) => `'${n}'`)
        .join(', ')}, got ${JSON.stringify(name)}`,
    );
  }
  if (!(await loadBackendPackage(name))) throw missingPackageError('useBackend', name);
  return activateBackend(name);
}

async function useFastest({ quiet = false }: UseBackendOptions): Promise<BackendName> {
  const skipped: string[] = [];
  for (const candidate of autoOrder()) {
    let installed = false;
    try {
      installed = await loadBackendPackage(candidate);
    } catch (err) {
      skipped.push(`${candidate}: ${(err as Error).message}`);
      continue;
    }
    if (!installed) {
      skipped.push(`${BACKEND_PACKAGES[candidate]} not installed`);
      continue;
    }
    try {
      await activateBackend(candidate);
    } catch (err) {
      skipped.push(`${candidate} failed to initialise: ${(err as Error).message}`);
      continue;
    }
    if (!quiet) {
      const why = skipped.length > 0 ? ` (${skipped.join('; ')})` : '';
      console.info(`@ssl/backends: using the '${candidate}' backend${why}`);
    }
    return candidate;
  }
  throw new Error(
    `useBackend: no backend could be started (${skipped.join('; ')}); ` +
      `install one of ${autoOrder()
        .map((n) => BACKEND_PACKAGES[n])
        .join(', ')}`,
  );
}

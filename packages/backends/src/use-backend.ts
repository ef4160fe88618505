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
  return isNode() ? ['tensorflow', 'wasm', 'cpu'] : ['webgl', 'wasm', 'cpu'];
}

/**
 * Selects the TensorFlow.js backend and waits until it is ready; resolves to
 * its name. 'auto' takes the fastest one installed — in Node tfjs-node
 * ('tensorflow'), then 'wasm', then 'cpu'; in a browser 'webgl', then 'wasm',
 * then 'cpu' — and says which in one `console.info` line (`quiet` silences
 * it). Selecting 'wasm' also registers the training kernels it lacks. A
 * backend whose package is not installed is an Error naming the package.
 *
 * In a browser bundle, import the side-effect entry (`@ssl/backends/wasm`,
 * `/webgl`, `/cpu`) so that the bundler includes the backend package.
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
      skipped.push(`${candidate} failed to initialise`);
      void err;
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

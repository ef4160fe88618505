import * as tf from '@tensorflow/tfjs-core';
import { BACKEND_PACKAGES, type BackendName } from './backend-name';
import { ensureNavigatorGpu } from './webgpu-navigator';

/** True when running under Node (not in a browser page). */
export function isNode(): boolean {
  return typeof process !== 'undefined' && process.versions?.node != null;
}

function isModuleNotFound(err: unknown, pkg: string): boolean {
  const e = err as { code?: string; message?: string } | null;
  if (e == null) return false;
  const code = e.code ?? '';
  const message = e.message ?? '';
  return (
    ((code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') && message.includes(pkg)) ||
    /Cannot find (module|package)|Failed to (resolve|fetch dynamically imported)/i.test(message)
  );
}

/** The error for a backend whose package is not installed: it names the package. */
export function missingPackageError(caller: string, name: BackendName): Error {
  const pkg = BACKEND_PACKAGES[name];
  const hint = isNode()
    ? `npm install ${pkg}`
    : `npm install ${pkg}, and import '@ssl/backends/${name}' so that your bundler includes it`;
  return new Error(
    `${caller}: backend '${name}' needs the package ${pkg}; install it with: ${hint}`,
  );
}

/**
 * Makes sure the backend `name` is registered with tfjs: if it is not yet,
 * imports its package (a dynamic import whose specifier bundlers leave alone,
 * so that no bundle or program requires an optional backend). Resolves to
 * false when the package is not installed; other failures (a package that is
 * installed but broken, e.g. tfjs-node without its native library) reject.
 * For 'webgpu' it first makes sure `navigator.gpu` exists (in Node through the
 * `webgpu` package) and rejects with what is missing when it does not.
 */
export async function loadBackendPackage(name: BackendName): Promise<boolean> {
  if (tf.findBackendFactory(name) != null) return true;
  if (name === 'tensorflow' && !isNode()) return false;
  if (name === 'webgpu') await ensureNavigatorGpu('loadBackendPackage');
  const pkg = BACKEND_PACKAGES[name];
  try {
    await import(/* webpackIgnore: true */ /* @vite-ignore */ pkg);
  } catch (err) {
    if (isModuleNotFound(err, pkg)) return false;
    throw new Error(`loadBackendPackage: ${pkg} is installed but failed to load: ${String(err)}`);
  }
  return tf.findBackendFactory(name) != null;
}

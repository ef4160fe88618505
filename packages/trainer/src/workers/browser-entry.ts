// @ssl/trainer/worker: the script of a browser Web Worker of `pretrain({ workers, spawnWorker })`.
import { serveWorker } from './serve';

/** The part of a dedicated worker's global scope the worker uses. */
export interface WorkerScope {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (e: MessageEvent) => void): void;
}

/**
 * Serves `pretrain({ workers })` from inside a Web Worker. Call it once in the
 * worker module, after importing the backend entry the page uses (e.g.
 * `@ssl/backends/wasm`, with `setWasmPaths` if the page sets it), and any
 * module that registers custom layers or methods: in a bundled worker import
 * them statically here (`workerImports` specifiers cannot be resolved there).
 * In a cross-origin isolated page set
 * `tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false)` before the backend
 * starts (in the page and the worker): otherwise tfjs-backend-wasm picks its
 * threaded build, which starts threads of its own in every worker and has no
 * room for the SIMD training kernels of @ssl/backends.
 *
 * @example
 * ```ts
 * // ssl-worker.ts
 * import '@ssl/backends/wasm';
 * import { serveTrainerWorker } from '@ssl/trainer/worker';
 * serveTrainerWorker();
 * // page: pretrain({ ..., workers: 2,
 * //   spawnWorker: () => new Worker(new URL('./ssl-worker.ts', import.meta.url), { type: 'module' }) })
 * ```
 */
export function serveTrainerWorker(scope: WorkerScope = self as unknown as WorkerScope): void {
  serveWorker(
    {
      post: (message, transfer) => scope.postMessage(message, transfer ?? []),
      onMessage: (handler) => scope.addEventListener('message', (e) => handler(e.data)),
    },
    (spec) => import(/* @vite-ignore */ spec),
  );
}

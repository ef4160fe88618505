import type { WorkerHandle } from './pool';

/** What the pool uses of a browser `Worker`. */
export interface WebWorkerLike {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  // one overload per event (a DOM `Worker` is assignable to these; `(e: never) => void` was not)
  addEventListener(type: 'message' | 'messageerror', listener: (e: MessageEvent) => void): void;
  addEventListener(type: 'error', listener: (e: ErrorEvent) => void): void;
  terminate(): void;
}

/** Adapts a browser `Worker` (one that calls `serveTrainerWorker()` of `@ssl/trainer/worker`) to the pool. */
export function webWorkerHandle(worker: WebWorkerLike): WorkerHandle {
  return {
    post: (message, transfer) => worker.postMessage(message, transfer ?? []),
    onMessage: (handler) =>
      worker.addEventListener('message', (e: MessageEvent) => handler(e.data)),
    onFailure(handler) {
      worker.addEventListener('error', (e: ErrorEvent) =>
        handler(new Error(e.message || 'the worker failed to load or threw')),
      );
      worker.addEventListener('messageerror', () =>
        handler(new Error('a message could not be read')),
      );
    },
    terminate: () => worker.terminate(),
  };
}

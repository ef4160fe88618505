import { Worker } from 'node:worker_threads';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { WorkerHandle, WorkerSpawner } from './pool';

/**
 * The worker script: `worker.js` beside this module in the package's dist/
 * (from the sources, as in this repository's tests: the built one in dist/).
 */
export function nodeWorkerScript(): string {
  const candidates = [
    path.join(__dirname, 'worker.js'),
    path.join(__dirname, '../../dist/worker.js'),
  ];
  const found = candidates.find((f) => fs.existsSync(f));
  if (!found) {
    throw new Error(
      `pretrain: the worker script is missing (looked for ${candidates.join(', ')}); build @ssl/trainer (npm run build)`,
    );
  }
  return found;
}

/** The cores this process may use (`os.availableParallelism()` where Node has it). */
export function availableCores(): number {
  const o = os as { availableParallelism?: () => number };
  return Math.max(1, o.availableParallelism ? o.availableParallelism() : os.cpus().length);
}

/** Adapts a `worker_threads.Worker` to the pool. */
export function nodeWorkerHandle(worker: Worker): WorkerHandle {
  let closing = false;
  return {
    post: (message, transfer) => worker.postMessage(message, transfer),
    onMessage: (handler) => worker.on('message', handler),
    onFailure(handler) {
      worker.on('error', (e) => handler(e instanceof Error ? e : new Error(String(e))));
      worker.on('exit', (code) => {
        if (!closing) handler(new Error(`the thread exited with code ${code}`));
      });
    },
    async terminate() {
      closing = true;
      await worker.terminate();
    },
  };
}

/** Spawns Node worker threads running {@link nodeWorkerScript}. */
export function nodeSpawner(script: string = nodeWorkerScript()): WorkerSpawner {
  return (rank) =>
    nodeWorkerHandle(new Worker(script, { name: `ssl-worker-${rank}`, workerData: { rank } }));
}

/**
 * How many Web Workers share the page's training steps (`pretrain({ workers, spawnWorker })`).
 * Only the WASM backend trains on workers: each runs its own single-threaded WASM instance,
 * while WebGPU and WebGL already run on the GPU from the main thread (and CPU stays there too).
 */

/** The page's "Workers" select. */
export type WorkersChoice = '1' | '2' | 'auto';

export interface WorkersPlan {
  /** What the page passes to pretrain(): 'auto' = navigator.hardwareConcurrency (at most batch/2). */
  workers: number | 'auto';
  /** Why one worker is used where more were asked for (null when nothing was refused). */
  reason: string | null;
}

/** The `workers` option for a run on `backend`, given the choice and whether the page is isolated. */
export function workersFor(choice: WorkersChoice, backend: string, isolated: boolean): WorkersPlan {
  if (choice === '1') return { workers: 1, reason: null };
  if (!isolated) return { workers: 1, reason: 'not cross-origin isolated: no SharedArrayBuffer' };
  if (backend !== 'wasm') return { workers: 1, reason: `${backend} trains on the main thread` };
  return { workers: choice === 'auto' ? 'auto' : Number(choice), reason: null };
}

/** Starts training worker `rank`: a module worker running src/ssl-worker.ts. */
export function spawnTrainingWorker(rank: number): Worker {
  return new Worker(new URL('./ssl-worker.ts', import.meta.url), {
    type: 'module',
    name: `ssl-worker-${rank}`,
  });
}

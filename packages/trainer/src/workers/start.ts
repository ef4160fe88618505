import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { AnyMethod, BuildContext } from '../methods/method';
import { WorkerPool, type WorkerHandle, type WorkerSpawner } from './pool';
import { webWorkerHandle, type WebWorkerLike } from './web-worker';

/** The data-parallel options of `pretrain()`. */
export interface WorkerOptions {
  /**
   * Threads that share each step (data parallelism, exact global-batch
   * semantics: see the README of @ssl/trainer). `'auto'`: the available
   * cores (at most 8, and at most half the batch) in Node (`os.availableParallelism()`), `navigator.hardwareConcurrency`
   * in a cross-origin isolated page given `spawnWorker`, 1 elsewhere or on a
   * backend that already uses every core or the GPU (tensorflow, webgl,
   * webgpu). Default 1: the single-thread path.
   */
  workers?: number | 'auto';
  /** Browser: starts one worker (a module Worker that calls `serveTrainerWorker()` of `@ssl/trainer/worker`). Node: default worker threads. */
  spawnWorker?: (rank: number) => WebWorkerLike | WorkerHandle;
  /** Modules every worker imports first (paths or package names): custom layers, kernels, methods. */
  workerImports?: string[];
  /**
   * With workers: batch norm over the whole global batch (synchronized, as
   * PyTorch's SyncBatchNorm; default true), so that a step equals the
   * one-thread step. False: each worker normalises its own shard (as
   * PyTorch DDP without SyncBatchNorm; two fewer exchanges per batch-norm layer).
   */
  syncBatchNorm?: boolean;
}

const THREADED = ['wasm', 'cpu'];
const AUTO_MAX = 8;
const NODE_ENTRY = '@ssl/trainer/node';

function isNode(): boolean {
  return typeof process !== 'undefined' && !!process.versions?.node;
}

interface NodeWorkers {
  availableCores(): number;
  nodeSpawner(): WorkerSpawner;
}

async function nodeWorkers(): Promise<NodeWorkers> {
  return (await import(/* @vite-ignore */ NODE_ENTRY)) as NodeWorkers;
}

/** The number of workers the run uses (1: no pool). Throws on a bad or impossible request. */
export async function resolveWorkers(o: WorkerOptions, batchSize: number): Promise<number> {
  const asked = o.workers ?? 1;
  const backend = tf.getBackend();
  if (asked === 'auto') {
    if (!THREADED.includes(backend)) return 1;
    let cores = 1;
    if (isNode()) cores = (await nodeWorkers()).availableCores();
    else if (o.spawnWorker && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated)
      cores = globalThis.navigator?.hardwareConcurrency ?? 1;
    // at most 8: each worker holds its own replica and wasm heap (a few hundred MB at batch 256)
    return Math.max(1, Math.min(cores, AUTO_MAX, Math.floor(batchSize / 2)));
  }
  if (!Number.isInteger(asked) || asked < 1) {
    throw new Error(`pretrain: workers must be 'auto' or an integer >= 1, got ${String(asked)}`);
  }
  if (asked === 1) return 1;
  if (!THREADED.includes(backend)) {
    throw new Error(
      `pretrain: workers: ${asked} needs the wasm or cpu backend (each worker runs its own); the backend is '${backend}'${
        backend === 'tensorflow' ? ', which already uses every core' : ''
      } (use workers: 1)`,
    );
  }
  if (asked > batchSize) {
    throw new Error(`pretrain: workers (${asked}) must be <= batchSize (${batchSize})`);
  }
  if (!isNode() && !o.spawnWorker) {
    throw new Error(
      'pretrain: workers > 1 in a browser needs spawnWorker (see @ssl/trainer/worker)',
    );
  }
  return asked;
}

function isHandle(w: WebWorkerLike | WorkerHandle): w is WorkerHandle {
  return typeof (w as WorkerHandle).onFailure === 'function';
}

/** Starts `count` workers with replicas of `encoder` and `method` (built). */
export async function startWorkers(
  o: WorkerOptions,
  count: number,
  encoder: LayersModel,
  method: AnyMethod,
  build: Omit<BuildContext, 'rng'>,
): Promise<WorkerPool> {
  let spawn: WorkerSpawner;
  if (o.spawnWorker) {
    const make = o.spawnWorker;
    spawn = (rank) => {
      const w = make(rank);
      return isHandle(w) ? w : webWorkerHandle(w);
    };
  } else {
    spawn = (await nodeWorkers()).nodeSpawner();
  }
  return WorkerPool.start({
    workers: count,
    spawn,
    encoder,
    method,
    build,
    backend: tf.getBackend(),
    imports: o.workerImports,
    syncBatchNorm: o.syncBatchNorm,
  });
}

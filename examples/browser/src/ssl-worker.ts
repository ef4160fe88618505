/**
 * A training worker of the page: `pretrain({ workers, spawnWorker })` starts one per rank
 * (src/main.ts). Each holds a replica of the encoder and the method on its own WASM backend and
 * trains its shard of every batch; weights, activations and gradients travel through
 * SharedArrayBuffer (the page is cross-origin isolated: see vite.config.ts).
 */
import { serveTrainerWorker } from '@ssl/trainer/worker';
import { configureWasm } from './wasm-setup';

// The same .wasm URLs and build as the page's main thread, set before the trainer starts the backend.
configureWasm();
serveTrainerWorker();

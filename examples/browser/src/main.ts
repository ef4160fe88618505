/**
 * Pretrains a small conv encoder with SimCLR on MNIST in the browser, on WebGPU (WebGL, WASM or
 * CPU as the fallback), using only the public APIs of the @ssl packages, and shows live: the loss,
 * images/s, augmented view pairs, a UMAP of held-out digits and, at the end, kNN accuracy with
 * 10 labels per class. On WASM in a cross-origin isolated page, several Web Workers share each
 * step (`pretrain({ workers })`, src/ssl-worker.ts). `window.__ssl` exposes the page state to the
 * end-to-end test.
 */
import * as tf from '@tensorflow/tfjs-core';
// The backend packages are bundled with the page; @ssl/backends selects one when Start is
// pressed (the `@ssl/backends/webgl` style entries would select one at import time instead).
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-cpu';
import { useBackend } from '@ssl/backends';
import { simclrAugment, createRng } from '@ssl/augment';
import '@ssl/data/mnist-digits'; // puts the optional mnist package's digits into the bundle
import { loadMnist } from '@ssl/data';
import { convEncoder } from '@ssl/encoders';
import {
  embed,
  knnAccuracy,
  pretrain,
  selectLabelled,
  simclr,
  type Callback,
  type PretrainResult,
} from '@ssl/trainer';

import { drawEmbedding, DIGIT_COLORS, umap2d } from './embedding-map';
import { drawLossChart } from './loss-chart';
import { drawViewPairs } from './view-grid';
import { configureWasm } from './wasm-setup';
import { spawnTrainingWorker, workersFor, type WorkersChoice } from './workers';

type BackendChoice = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
type ExchangeStep = NonNullable<PretrainResult['exchange']>[number];

interface PageState {
  backend: string;
  fallbackReason: string | null;
  /** `crossOriginIsolated`: SharedArrayBuffer, and so training workers, are available. */
  isolated: boolean;
  /** Threads that share each step (pretrain's own count; 1 = the main thread alone). */
  workers: number;
  /** Why the run has one worker where more were asked for (null otherwise). */
  workersReason: string | null;
  /** images/s of the last step (the trainer's own measure). */
  imagesPerSec: number | null;
  /** With workers: where the last step's time went outside the compute (pretrain's `exchange`). */
  exchange: ExchangeStep | null;
  /** With workers: each worker's `tf.memory().numTensors` after each step. */
  workerTensors: number[][];
  /** images/s of every step so far. */
  imagesPerSecHistory: number[];
  step: number;
  losses: number[];
  embeddingDraws: number;
  numTensors: number[];
  running: boolean;
  paused: boolean;
  knnAccuracy: number | null;
}

const state: PageState = {
  backend: 'none',
  fallbackReason: null,
  isolated: globalThis.crossOriginIsolated === true,
  workers: 1,
  workersReason: null,
  imagesPerSec: null,
  imagesPerSecHistory: [],
  exchange: null,
  workerTensors: [],
  step: 0,
  losses: [],
  embeddingDraws: 0,
  numTensors: [],
  running: false,
  paused: false,
  knnAccuracy: null,
};
(window as unknown as { __ssl: PageState }).__ssl = state;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const ui = {
  backendChoice: $<HTMLSelectElement>('backend-choice'),
  workersChoice: $<HTMLSelectElement>('workers-choice'),
  workersNote: $('workers-note'),
  steps: $<HTMLInputElement>('steps'),
  batch: $<HTMLInputElement>('batch'),
  start: $<HTMLButtonElement>('start'),
  pause: $<HTMLButtonElement>('pause'),
  stop: $<HTMLButtonElement>('stop'),
  backend: $('backend'),
  workers: $('workers'),
  step: $('step'),
  loss: $('loss'),
  ips: $('ips'),
  memory: $('memory'),
  knn: $('knn'),
  status: $('status'),
  lossChart: $<HTMLCanvasElement>('loss-chart'),
  views: $<HTMLCanvasElement>('views'),
  embedding: $<HTMLCanvasElement>('embedding'),
  legend: $('legend'),
};

// A bundler serves the .wasm binaries from its own URLs: tell tfjs-backend-wasm where they are.
configureWasm();

// Workers need SharedArrayBuffer, i.e. a cross-origin isolated page (COOP/COEP: vite.config.ts).
if (state.isolated) {
  ui.workersChoice.value = 'auto';
  ui.workersNote.textContent = `Cross-origin isolated: WASM trains on up to ${navigator.hardwareConcurrency} workers.`;
} else {
  ui.workersChoice.value = '1';
  ui.workersChoice.disabled = true;
  ui.workersNote.textContent =
    'One worker: the page is not cross-origin isolated (it needs the COOP/COEP headers of vite.config.ts), so it has no SharedArrayBuffer.';
}

// `?points=100&knnTest=200` shrink the map and the kNN evaluation (the e2e test on SwiftShader).
const params = new URLSearchParams(location.search);
const EMBED_POINTS = Number(params.get('points') ?? 600); // held-out digits in the map
const KNN_TEST = Number(params.get('knnTest') ?? 1000); // held-out digits kNN classifies
// `?headBatchNorm=0`: no batch norm in the projection head. With it (the default) the workers
// synchronize the head's batch norm, so a step on W workers is the one-thread step either way.
const HEAD_BATCH_NORM = params.get('headBatchNorm') !== '0';
const VIEW_PAIRS = 12;
const SIZE = 28;

const train = loadMnist({ split: 'train' });
const test = loadMnist({ split: 'test' });
ui.legend.innerHTML = DIGIT_COLORS.map((c, d) => `<span style="--c:${c}">${d}</span>`).join('');
ui.start.disabled = false;
ui.status.textContent = `Loaded ${train.count} training and ${test.count} held-out digits.`;

/**
 * Bundles tfjs-backend-webgpu as a chunk of its own, loaded only where navigator.gpu exists (it
 * registers nothing elsewhere; useBackend('webgpu') then says what is missing).
 */
async function loadWebgpuPackage(): Promise<void> {
  if ('gpu' in navigator) await import('@tensorflow/tfjs-backend-webgpu');
}

/** Tries the chosen backend and falls back (webgpu → webgl → wasm → cpu), saying why. */
async function selectBackend(choice: BackendChoice): Promise<void> {
  const order: BackendChoice[] = ['webgpu', 'webgl', 'wasm', 'cpu'];
  const reasons: string[] = [];
  for (const name of order.slice(order.indexOf(choice))) {
    try {
      if (name === 'webgpu') await loadWebgpuPackage();
      state.backend = await useBackend(name);
      state.fallbackReason = reasons.length ? reasons.join('; ') : null;
      ui.backend.textContent = state.fallbackReason
        ? `${state.backend} (fallback: ${state.fallbackReason})`
        : state.backend;
      return;
    } catch (err) {
      reasons.push(`${name} unavailable: ${(err as Error).message}`);
    }
  }
  throw new Error(`no backend could start: ${reasons.join('; ')}`);
}

function imagesTensor(arrays: { images: Float32Array }, count: number): tf.Tensor4D {
  return tf.tensor4d(arrays.images.subarray(0, count * SIZE * SIZE), [count, SIZE, SIZE, 1]);
}

/** Draws two augmented views of the first few digits with the method's own augmentation. */
async function showViews(step: number): Promise<void> {
  const augment = simclrAugment({ preset: 'digits' });
  const [v1, v2] = tf.tidy(() => {
    const x = imagesTensor(train, VIEW_PAIRS);
    const rng = createRng(step);
    return [augment(x, rng), augment(x, rng)];
  });
  const [a, b] = await Promise.all([v1.data(), v2.data()]);
  tf.dispose([v1, v2]);
  drawViewPairs(ui.views, a as Float32Array, b as Float32Array, VIEW_PAIRS, SIZE);
}

/** Embeds held-out digits with the current encoder and draws their UMAP. */
async function showEmbedding(encoder: Parameters<typeof embed>[0]): Promise<void> {
  const x = imagesTensor(test, EMBED_POINTS);
  const feats = embed(encoder, x, { batchSize: 200 });
  const values = (await feats.data()) as Float32Array;
  const dim = feats.shape[1];
  tf.dispose([x, feats]);
  const points = await umap2d(values, EMBED_POINTS, dim);
  drawEmbedding(ui.embedding, points, test.labels.subarray(0, EMBED_POINTS));
  state.embeddingDraws++;
}

async function evaluateKnn(encoder: Parameters<typeof embed>[0]): Promise<number> {
  const idx = selectLabelled(train.labels, { labelsPerClass: 10, seed: 0 });
  const labelled = tf.tidy(() => {
    const all = imagesTensor(train, train.count);
    const i = tf.tensor1d(idx, 'int32');
    return {
      images: tf.gather(all, i) as tf.Tensor4D,
      labels: tf.tensor1d(
        Array.from(idx, (j) => train.labels[j]),
        'int32',
      ),
    };
  });
  const nTest = Math.min(KNN_TEST, test.count);
  const held = {
    images: imagesTensor(test, nTest),
    labels: tf.tensor1d(test.labels.subarray(0, nTest), 'int32'),
  };
  try {
    return await knnAccuracy({ encoder, train: labelled, test: held, k: 1 });
  } finally {
    tf.dispose([labelled.images, labelled.labels, held.images, held.labels]);
  }
}

let stopRequested = false;

async function run(): Promise<void> {
  Object.assign(state, {
    step: 0,
    workers: 1,
    workersReason: null,
    losses: [],
    numTensors: [],
    knnAccuracy: null,
    imagesPerSec: null,
    imagesPerSecHistory: [],
    exchange: null,
    workerTensors: [],
    running: true,
  });
  stopRequested = false;
  ui.start.disabled = true;
  ui.pause.disabled = false;
  ui.stop.disabled = false;
  ui.workers.textContent = '–';
  ui.status.textContent = '';
  await selectBackend(ui.backendChoice.value as BackendChoice);

  const steps = Math.max(1, Number(ui.steps.value));
  const batchSize = Math.max(8, Number(ui.batch.value));
  const encoder = convEncoder({ inputShape: [SIZE, SIZE, 1] });
  const method = simclr({ temperature: 0.5, headBatchNorm: HEAD_BATCH_NORM });
  const data = imagesTensor(train, train.count);
  const stepsPerEpoch = Math.floor(train.count / batchSize);
  const plan = workersFor(ui.workersChoice.value as WorkersChoice, state.backend, state.isolated);
  state.workersReason = plan.reason;
  await showViews(0);
  await showEmbedding(encoder);

  const live: Callback = {
    onTrainBegin(info) {
      state.workers = info.workers ?? 1;
      const why = plan.reason ? ` (${plan.reason})` : '';
      ui.backend.textContent = `${ui.backend.textContent}, ${state.workers} worker${state.workers === 1 ? '' : 's'}${why}`;
      ui.workers.textContent = String(state.workers);
    },
    async onStepEnd(logs, control) {
      state.step = logs.step + 1;
      state.losses.push(logs.loss);
      ui.step.textContent = `${state.step} / ${steps}`;
      ui.loss.textContent = logs.loss.toFixed(4);
      state.imagesPerSec = logs.imagesPerSec;
      state.imagesPerSecHistory.push(logs.imagesPerSec);
      ui.ips.textContent = logs.imagesPerSec.toFixed(1);
      drawLossChart(ui.lossChart, state.losses);
      if (state.step % 10 === 0) await showViews(state.step);
      if (state.step % 50 === 0 || state.step === steps) await showEmbedding(encoder);
      const mem = tf.memory();
      state.numTensors.push(mem.numTensors);
      ui.memory.textContent = `${mem.numTensors} tensors, ${(mem.numBytes / 2 ** 20).toFixed(1)} MiB`;
      while (state.paused && !stopRequested) await new Promise((r) => setTimeout(r, 100));
      if (stopRequested) control.stop('stopped by the user');
      else if (state.step >= steps) control.stop('reached the requested steps');
      await tf.nextFrame(); // let the page repaint between steps
    },
  };

  try {
    const result = await pretrain({
      method,
      encoder,
      data,
      epochs: Math.ceil(steps / stepsPerEpoch),
      batchSize,
      seed: 0,
      workers: plan.workers,
      spawnWorker: spawnTrainingWorker,
      callbacks: [live],
    });
    state.exchange = result.exchange?.at(-1) ?? null;
    state.workerTensors = result.exchange?.map((e) => e.workerTensors) ?? [];
    ui.status.textContent = 'Evaluating: kNN with 10 labels per class…';
    state.knnAccuracy = await evaluateKnn(encoder);
    ui.knn.textContent = `${(100 * state.knnAccuracy).toFixed(1)}%`;
    ui.status.textContent = 'Done.';
  } catch (err) {
    ui.status.textContent = `Error: ${(err as Error).message}`;
    throw err;
  } finally {
    tf.dispose(data);
    method.dispose();
    encoder.dispose();
    state.running = false;
    state.paused = false;
    ui.start.disabled = false;
    ui.pause.disabled = true;
    ui.stop.disabled = true;
    ui.pause.textContent = 'Pause';
  }
}

ui.start.addEventListener('click', () => void run());
ui.pause.addEventListener('click', () => {
  state.paused = !state.paused;
  ui.pause.textContent = state.paused ? 'Resume' : 'Pause';
});
ui.stop.addEventListener('click', () => {
  stopRequested = true;
});

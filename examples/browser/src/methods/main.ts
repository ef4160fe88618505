/**
 * The methods page (methods.html), driven by e2e/methods.e2e.test.ts:
 * `import '@ssl/backends/webgpu'` selects WebGPU, then `pretrain()` trains
 * every method of @ssl/trainer's registry for a few steps on tiny encoders
 * (./cases: the conv encoder and ResNet-18 for the image methods, the
 * Transformer encoder for MLM), with every kernel on the GPU and synchronous
 * GPU reads refused (./sync-reads). Per case it publishes the losses, whether
 * the encoder's weights moved and `tf.memory().numTensors` after each step in
 * `window.__methods`. `?only=dino,resnet18` keeps the cases whose
 * `method/encoder` contains one of these.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import { backendReady } from '@ssl/backends/webgpu';
import { METHOD_NAMES } from '@ssl/trainer';
import { methodCases, BATCH, RESNET_METHODS, STEPS } from './cases';
import { runCase, type CaseReport } from './run-case';
import { refuseGpuSyncReads } from './sync-reads';

interface CaseResult extends CaseReport {
  error: string | null;
}

interface MethodsState {
  done: boolean;
  /** An error outside the cases (backend start-up). */
  error: string | null;
  backend: string | null;
  methodNames: readonly string[];
  resnetMethods: readonly string[];
  batch: number;
  steps: number;
  /** GPU sync reads refused (each also fails its case). */
  syncReads: string[];
  results: CaseResult[];
}

const state: MethodsState = {
  done: false,
  error: null,
  backend: null,
  methodNames: METHOD_NAMES,
  resnetMethods: RESNET_METHODS,
  batch: BATCH,
  steps: STEPS,
  syncReads: [],
  results: [],
};
(window as unknown as { __methods: MethodsState }).__methods = state;
const out = document.getElementById('out') as HTMLElement;
const log = (line: string): void => {
  out.textContent += `${line}\n`;
  console.info(line);
};

async function main(): Promise<void> {
  state.backend = await backendReady;
  // Every kernel on the GPU: by default tfjs-backend-webgpu computes small ops
  // whose inputs are still on the CPU there, which would hide GPU sync reads.
  tf.env().set('WEBGPU_CPU_FORWARD', false);
  (
    tf.backend() as unknown as { device?: { lost?: Promise<{ reason: string; message: string }> } }
  ).device?.lost?.then((info) => log(`webgpu device lost (${info.reason}): ${info.message}`));
  const guard = refuseGpuSyncReads(tf.backend());
  state.syncReads = guard.refused;
  const only = new URLSearchParams(location.search).get('only')?.split(',') ?? null;
  const cases = methodCases().filter(
    (c) => only === null || only.some((o) => `${c.method}/${c.encoder}`.includes(o)),
  );
  log(`backend ${state.backend}; ${cases.length} cases, ${STEPS} steps of batch ${BATCH}`);
  for (const c of cases) {
    guard.label = `${c.method}/${c.encoder}`;
    const t0 = performance.now();
    try {
      const r = await runCase(c);
      state.results.push({ ...r, error: null });
      log(
        `${c.method}/${c.encoder}: losses ${r.losses.map((l) => l.toFixed(4)).join(', ')}; ` +
          `${r.weightsChanged}/${r.weightTensors} weight tensors changed (max rel ${r.maxRelChange.toExponential(2)}); ` +
          `numTensors ${r.numTensors.join(',')}; leaked ${r.leaked}; ${(r.ms / 1000).toFixed(1)} s`,
      );
    } catch (err) {
      const error = err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err);
      state.results.push({
        method: c.method,
        encoder: c.encoder,
        backend: tf.getBackend(),
        losses: [],
        weightTensors: 0,
        weightsChanged: 0,
        unchanged: [],
        maxRelChange: 0,
        numTensors: [],
        leaked: 0,
        stopReason: null,
        ms: performance.now() - t0,
        error,
      });
      log(`FAIL ${c.method}/${c.encoder}: ${error}`);
    }
  }
}

main()
  .catch((err: unknown) => {
    state.error = err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err);
    log(`error: ${state.error}`);
  })
  .finally(() => {
    state.done = true;
  });

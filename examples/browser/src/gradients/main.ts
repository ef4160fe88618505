/**
 * The gradient-check page (gradients.html), driven by e2e/gradients.e2e.test.ts:
 * selects WebGPU through `@ssl/backends/webgpu`, checks that `useBackend('auto')`
 * picks it, then for every case of ./cases computes the gradients on cpu and
 * on each backend under test (`?backends=webgpu,webgl`, default webgpu;
 * `?only=resnet,Loss` keeps the cases whose name contains one of these), and
 * publishes the comparison and `tf.memory().numTensors` after each of three
 * repeated runs in `window.__gradcheck`.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import { backendReady } from '@ssl/backends/webgpu';
import { useBackend, type BackendName } from '@ssl/backends';
import { gradientCases } from './cases';
import { compareGradients, GRADIENT_RTOL, type GradientComparison } from './compare';

interface CaseResult extends GradientComparison {
  name: string;
  backend: string;
  /** `tf.memory().numTensors` after each of three runs (results disposed): must be flat. */
  numTensors: number[];
  /** Milliseconds of the first run on the backend (includes shader compilation). */
  ms: number;
}

interface GradCheckState {
  done: boolean;
  error: string | null;
  rtol: number;
  entryBackend: string | null;
  autoBackend: string | null;
  autoMessage: string | null;
  adapter: string | null;
  /** dataSync of int32 labels already on the GPU, then an async read: the device must survive. */
  syncRead: { sync: number[]; after: number[] } | null;
  results: CaseResult[];
}

const state: GradCheckState = {
  done: false,
  error: null,
  rtol: GRADIENT_RTOL,
  entryBackend: null,
  autoBackend: null,
  autoMessage: null,
  adapter: null,
  syncRead: null,
  results: [],
};
(window as unknown as { __gradcheck: GradCheckState }).__gradcheck = state;
// For probing by hand (and by the e2e test) in the page's console.
(window as unknown as { tf: typeof tf }).tf = tf;
const out = document.getElementById('out') as HTMLElement;
const log = (line: string): void => {
  out.textContent += `${line}\n`;
  console.info(line);
};

async function toArrays(grads: Map<string, tf.Tensor>): Promise<Map<string, Float32Array>> {
  const arrays = new Map<string, Float32Array>();
  for (const [name, g] of grads) arrays.set(name, (await g.data()) as Float32Array);
  tf.dispose([...grads.values()]);
  return arrays;
}

async function main(): Promise<void> {
  state.entryBackend = await backendReady;
  const info = console.info;
  console.info = (...args: unknown[]) => {
    state.autoMessage = args.map(String).join(' ');
    info(...args);
  };
  try {
    state.autoBackend = await useBackend('auto');
  } finally {
    console.info = info;
  }
  const adapter = await (
    navigator as unknown as { gpu: { requestAdapter(): Promise<{ info?: object } | null> } }
  ).gpu.requestAdapter();
  const adapterInfo = adapter?.info as { vendor?: string; architecture?: string } | undefined;
  state.adapter = adapterInfo ? `${adapterInfo.vendor} ${adapterInfo.architecture}` : null;
  // A lost device fails every later op with an unrelated message: say why it was lost.
  (
    tf.backend() as unknown as { device?: { lost?: Promise<{ reason: string; message: string }> } }
  ).device?.lost?.then((info) => log(`webgpu device lost (${info.reason}): ${info.message}`));
  // Run every kernel on the GPU: by default tfjs-backend-webgpu computes small
  // ops whose inputs are on the CPU there, which would leave kernels untested.
  tf.env().set('WEBGPU_CPU_FORWARD', false);
  {
    const labels = tf.tensor1d([3, -100, 7], 'int32');
    const used = tf.add(labels, 1); // uploads labels to the GPU
    const sync = Array.from(labels.dataSync());
    const doubled = tf.mul(used, 2);
    state.syncRead = { sync, after: Array.from(await doubled.data()) };
    tf.dispose([labels, used, doubled]);
    log(`sync read of int32 labels: ${JSON.stringify(state.syncRead)}`);
  }
  const backends = (new URLSearchParams(location.search).get('backends') ?? 'webgpu').split(
    ',',
  ) as BackendName[];
  log(`entry: ${state.entryBackend}; auto: ${state.autoMessage}; adapter ${state.adapter}`);

  // Substrings of case names, comma-separated.
  const only = new URLSearchParams(location.search).get('only')?.split(',') ?? null;
  await tf.setBackend('cpu');
  const cases = gradientCases().filter((c) => {
    if (only === null || only.some((o) => c.name.includes(o))) return true;
    c.dispose();
    return false;
  });
  for (const c of cases) {
    await tf.setBackend('cpu');
    const reference = await toArrays(c.grads());
    for (const backend of backends) {
      await useBackend(backend, { quiet: true });
      const numTensors: number[] = [];
      let checked = new Map<string, Float32Array>();
      let ms = 0;
      for (let run = 0; run < 3; run++) {
        const t0 = performance.now();
        const arrays = await toArrays(c.grads());
        if (run === 0) {
          ms = performance.now() - t0;
          checked = arrays;
        }
        numTensors.push(tf.memory().numTensors);
      }
      const r = { name: c.name, backend, numTensors, ms, ...compareGradients(reference, checked) };
      state.results.push(r);
      log(
        `${r.worstRelErr <= GRADIENT_RTOL ? 'ok  ' : 'FAIL'} ${backend} ${c.name}: worst rel err ${r.worstRelErr.toExponential(2)} (${r.worstTensor}), ` +
          `${r.tensors} tensors, max |g| ${r.referenceMaxAbs.toExponential(2)}, numTensors ${numTensors.join(',')}, ${ms.toFixed(0)} ms`,
      );
    }
    await tf.setBackend('cpu');
    c.dispose();
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

/**
 * End-to-end: every pretraining method of @ssl/trainer's registry trains on
 * WebGPU in headless Chromium (SwiftShader). methods.html (src/methods/)
 * selects WebGPU with `import '@ssl/backends/webgpu'`, runs every kernel on
 * the GPU, refuses synchronous GPU reads, and runs `pretrain()` for a few
 * steps of a tiny batch per (method, encoder): the image methods on the conv
 * encoder (and a subset on ResNet-18 at 1/8 width), MLM on the Transformer
 * encoder. Each case must give finite losses, move every trainable weight
 * tensor of the encoder, keep `tf.memory().numTensors` flat from step to step
 * and leave no tensor behind once disposed. Prints the seconds per case.
 */
import { ORIGIN, useBrowserPage } from './harness';

interface CaseResult {
  method: string;
  encoder: string;
  backend: string;
  losses: number[];
  weightTensors: number;
  weightsChanged: number;
  unchanged: string[];
  maxRelChange: number;
  numTensors: number[];
  leaked: number;
  stopReason: string | null;
  ms: number;
  error: string | null;
}

interface MethodsState {
  done: boolean;
  error: string | null;
  backend: string | null;
  methodNames: string[];
  resnetMethods: string[];
  batch: number;
  steps: number;
  syncReads: string[];
  results: CaseResult[];
}

const session = useBrowserPage();

test('every registered method trains on WebGPU with each encoder, with flat memory', async () => {
  const t0 = Date.now();
  await session.page.goto(`${ORIGIN}/methods.html`);
  await session.page.waitForFunction(
    () => (window as unknown as { __methods?: { done: boolean } }).__methods?.done === true,
    undefined,
    { timeout: 540000, polling: 1000 },
  );
  const s = await session.page.evaluate(
    () => (window as unknown as { __methods: MethodsState }).__methods,
  );
  for (const r of s.results) {
    console.log(
      `${r.backend} ${r.method}/${r.encoder}: ${(r.ms / 1000).toFixed(1)} s; losses ${r.losses
        .map((l) => l.toFixed(4))
        .join(', ')}; ${r.weightsChanged}/${r.weightTensors} weight tensors changed ` +
        `(max rel ${r.maxRelChange.toExponential(2)}); numTensors ${r.numTensors.join(',')}; ` +
        `leaked ${r.leaked}${r.error ? `; error ${r.error}` : ''}`,
    );
  }
  console.log(
    `methods page: ${s.results.length} cases in ${((Date.now() - t0) / 1000).toFixed(0)} s`,
  );
  expect(s.error).toBeNull();
  expect(s.backend).toBe('webgpu');
  expect(s.syncReads).toEqual([]);

  // Every registered method ran: the image methods on the conv encoder (and the
  // ResNet-18 subset), MAE on a ViT, MLM on the Transformer encoder.
  const expected = s.methodNames.flatMap((m) =>
    m === 'mlm'
      ? [`${m}/transformer`]
      : m === 'mae'
        ? [`${m}/vit`]
        : [`${m}/conv`, ...(s.resnetMethods.includes(m) ? [`${m}/resnet18`] : [])],
  );
  expect(s.methodNames).toEqual(expect.arrayContaining(['simclr', 'byol', 'dino', 'mlm']));
  expect(s.results.map((r) => `${r.method}/${r.encoder}`)).toEqual(expected);

  for (const r of s.results) {
    const where = `${r.method}/${r.encoder}`;
    expect([where, r.error]).toEqual([where, null]);
    expect([where, r.backend]).toEqual([where, 'webgpu']);
    expect([where, r.stopReason]).toEqual([where, null]);
    expect([where, r.losses.length]).toEqual([where, s.steps]);
    expect([where, r.losses.every(Number.isFinite)]).toEqual([where, true]);
    // Training moved every trainable weight tensor of the encoder (a missing gradient leaves one still).
    expect([where, r.weightTensors > 0]).toEqual([where, true]);
    expect([where, r.unchanged]).toEqual([where, []]);
    expect([where, r.maxRelChange > 0 && r.maxRelChange < 1]).toEqual([where, true]);
    // numTensors after each step: flat; nothing left once the case is disposed.
    expect([where, r.numTensors.length]).toEqual([where, s.steps]);
    expect([where, new Set(r.numTensors).size]).toEqual([where, 1]);
    expect([where, r.leaked]).toEqual([where, 0]);
  }
  expect(session.consoleErrors).toEqual([]);
});

/**
 * End-to-end gradient checks in headless Chromium: on gradients.html the
 * reference SimCLR step, the conv encoder (with and without batch norm),
 * ResNet-18 at 1/8 width, the Transformer encoder with embeddings and every
 * loss of @ssl/losses compute their gradients on cpu and on WebGPU; they must
 * agree within GRADIENT_RTOL (src/gradients/compare.ts: the largest element
 * error relative to the tensor's largest |value|), and three repeated runs
 * must leave `tf.memory().numTensors` flat.
 */
import { ORIGIN, useBrowserPage } from './harness';

interface CaseResult {
  name: string;
  backend: string;
  worstRelErr: number;
  worstTensor: string;
  referenceMaxAbs: number;
  tensors: number;
  nonFinite: number;
  numTensors: number[];
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
  syncRead: { sync: number[]; after: number[] } | null;
  results: CaseResult[];
}

const BACKENDS = process.env.E2E_GRADIENT_BACKENDS ?? 'webgpu';

const session = useBrowserPage();

test(`gradients on ${BACKENDS} equal those on cpu, with flat memory`, async () => {
  await session.page.goto(`${ORIGIN}/gradients.html?backends=${BACKENDS}`);
  await session.page.waitForFunction(
    () => (window as unknown as { __gradcheck?: { done: boolean } }).__gradcheck?.done === true,
    undefined,
    { timeout: 540000, polling: 1000 },
  );
  const s = await session.page.evaluate(
    () => (window as unknown as { __gradcheck: GradCheckState }).__gradcheck,
  );
  for (const r of s.results) {
    console.log(
      `${r.backend} ${r.name}: worst rel err ${r.worstRelErr.toExponential(2)} (${r.worstTensor}), ` +
        `${r.tensors} tensors, numTensors ${r.numTensors.join(',')}, ${r.ms.toFixed(0)} ms`,
    );
  }
  expect(s.error).toBeNull();
  // The side-effect entry and 'auto' both chose WebGPU, on a real adapter.
  expect(s.entryBackend).toBe('webgpu');
  expect(s.autoBackend).toBe('webgpu');
  expect(s.autoMessage).toContain("using the 'webgpu' backend");
  expect(s.adapter).toContain('swiftshader');
  // dataSync of labels on the GPU (as maskedCrossEntropy does) leaves the device working.
  expect(s.syncRead).toEqual({ sync: [3, -100, 7], after: [8, -198, 16] });
  const backends = BACKENDS.split(',');
  expect(s.results.length).toBe(13 * backends.length);
  for (const r of s.results) {
    const where = `${r.backend} ${r.name}`;
    expect([where, r.tensors > 0]).toEqual([where, true]);
    expect([where, r.referenceMaxAbs > 1e-6]).toEqual([where, true]); // a vacuous check would pass
    expect([where, r.nonFinite]).toEqual([where, 0]);
    expect([where, r.worstRelErr <= s.rtol]).toEqual([where, true]);
    expect([where, new Set(r.numTensors).size]).toEqual([where, 1]);
  }
  expect(session.consoleErrors).toEqual([]);
});

/**
 * End-to-end: serve the built page on localhost, open it in headless Debian Chromium through
 * Playwright, press Start, let it train on WebGPU and then on WebGL, and check what a person
 * would look at. Prints images/s per backend (the trainer's measure of the last step).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ORIGIN, useBrowserPage } from './harness';

const ARTIFACTS = join(__dirname, 'artifacts');
// SwiftShader (software WebGPU/WebGL) on a 2-core machine runs a step in seconds: keep it short.
// WebGPU on SwiftShader is the slower of the two (see the README): fewer steps, a smaller map.
const RUNS = {
  webgpu: {
    steps: Number(process.env.E2E_WEBGPU_STEPS ?? 6),
    batch: Number(process.env.E2E_WEBGPU_BATCH ?? 16),
    query: '?points=100&knnTest=200',
  },
  webgl: {
    steps: Number(process.env.E2E_STEPS ?? 12),
    batch: Number(process.env.E2E_BATCH ?? 32),
    query: '',
  },
};

beforeAll(() => mkdirSync(ARTIFACTS, { recursive: true }));
const session = useBrowserPage();

interface PageState {
  backend: string;
  fallbackReason: string | null;
  imagesPerSec: number | null;
  step: number;
  losses: number[];
  embeddingDraws: number;
  numTensors: number[];
  running: boolean;
  knnAccuracy: number | null;
}

const state = (): Promise<PageState> =>
  session.page.evaluate(() => (window as unknown as { __ssl: PageState }).__ssl);

describe.each([
  ['webgpu', 'WebGPU'],
  ['webgl', 'WebGL'],
] as const)('on %s', (backend, label) => {
  test(`pretrains on ${label} in headless Chromium and shows what it learns`, async () => {
    const { steps: STEPS, batch: BATCH, query } = RUNS[backend];
    session.consoleErrors.length = 0;
    await session.page.goto(`${ORIGIN}/${query}`);
    await session.page.waitForSelector('#start:not([disabled])');
    // WebGPU is offered first.
    expect(
      await session.page.$eval('#backend-choice', (el) => (el as HTMLSelectElement).value),
    ).toBe('webgpu');
    await session.page.selectOption('#backend-choice', backend);
    await session.page.fill('#steps', String(STEPS));
    await session.page.fill('#batch', String(BATCH));
    await session.page.click('#start');

    await session.page.waitForFunction(
      () => {
        const s = (
          window as unknown as {
            __ssl?: { running: boolean; knnAccuracy: number | null; step: number };
          }
        ).__ssl;
        return s !== undefined && !s.running && s.knnAccuracy !== null;
      },
      undefined,
      { timeout: 540000, polling: 1000 },
    );
    const s = await state();
    await session.page.screenshot({
      path: join(ARTIFACTS, `browser-${backend}.png`),
      fullPage: true,
    });
    console.log(
      `e2e ${backend}: ${s.imagesPerSec?.toFixed(1)} images/s (batch ${BATCH}, ${STEPS} steps), ` +
        `loss ${s.losses[0].toFixed(3)} -> ${s.losses[s.losses.length - 1].toFixed(3)}, kNN ${s.knnAccuracy}`,
    );

    // The backend shown is the one chosen (no fallback: both run on SwiftShader here).
    const shown = await session.page.textContent('#backend');
    expect(s.backend).toBe(backend);
    expect(s.fallbackReason).toBeNull();
    expect(shown).toContain(backend);
    // It trained, the loss is finite and has fallen.
    expect(s.step).toBe(STEPS);
    expect(s.losses.every(Number.isFinite)).toBe(true);
    const k = Math.max(3, Math.floor(s.losses.length / 5));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(s.losses.slice(-k))).toBeLessThan(mean(s.losses.slice(0, k)));
    expect(s.imagesPerSec).toBeGreaterThan(0);
    // The embedding map was drawn, and memory stayed flat while training.
    expect(s.embeddingDraws).toBeGreaterThan(0);
    const tail = s.numTensors.slice(2);
    expect(Math.max(...tail) - Math.min(...tail)).toBe(0);
    // kNN accuracy with 10 labels per class is a probability, and there were no console errors.
    expect(s.knnAccuracy).toBeGreaterThan(0);
    expect(s.knnAccuracy).toBeLessThanOrEqual(1);
    expect(session.consoleErrors).toEqual([]);
  });
});

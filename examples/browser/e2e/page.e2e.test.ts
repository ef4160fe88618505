/**
 * End-to-end: serve the built page on localhost, open it in headless Debian Chromium through
 * Playwright, press Start, let it train, and check what a person would look at.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const PORT = 4173;
const URL = `http://127.0.0.1:${PORT}/`;
const ARTIFACTS = join(__dirname, 'artifacts');
// SwiftShader (software WebGL) on a 2-core machine runs a step in seconds: keep it short.
const STEPS = Number(process.env.E2E_STEPS ?? 12);
const BATCH = Number(process.env.E2E_BATCH ?? 32);

let server: ChildProcess;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

async function waitForServer(url: string, timeoutMs: number): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`e2e: the preview server did not answer at ${url} within ${timeoutMs} ms`);
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  server = spawn(
    'npx',
    ['vite', 'preview', '--host', '127.0.0.1', '--port', String(PORT), '--strictPort'],
    {
      cwd: join(__dirname, '..'),
      stdio: 'ignore',
      detached: true,
    },
  );
  await waitForServer(URL, 60000);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => consoleErrors.push(String(err)));
});

afterAll(async () => {
  await browser?.close();
  if (server?.pid) {
    try {
      process.kill(-server.pid);
    } catch {
      // already gone
    }
  }
});

interface PageState {
  backend: string;
  fallbackReason: string | null;
  step: number;
  losses: number[];
  embeddingDraws: number;
  numTensors: number[];
  running: boolean;
  knnAccuracy: number | null;
}

const state = (): Promise<PageState> =>
  page.evaluate(() => (window as unknown as { __ssl: PageState }).__ssl);

test('pretrains on WebGL in headless Chromium and shows what it learns', async () => {
  await page.goto(URL);
  await page.waitForSelector('#start:not([disabled])');
  await page.fill('#steps', String(STEPS));
  await page.fill('#batch', String(BATCH));
  await page.click('#start');

  await page.waitForFunction(
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
  await page.screenshot({ path: join(ARTIFACTS, 'browser.png'), fullPage: true });

  // The backend shown is webgl, or the fallback with the reason said on the page.
  const shown = await page.textContent('#backend');
  expect(shown).toContain(s.backend);
  if (s.backend !== 'webgl') {
    expect(s.fallbackReason).toBeTruthy();
    expect(shown).toContain('fallback');
  }
  // It trained, the loss is finite and has fallen.
  expect(s.step).toBe(STEPS);
  expect(s.losses.every(Number.isFinite)).toBe(true);
  const k = Math.max(3, Math.floor(s.losses.length / 5));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  expect(mean(s.losses.slice(-k))).toBeLessThan(mean(s.losses.slice(0, k)));
  // The embedding map was drawn, and memory stayed flat while training.
  expect(s.embeddingDraws).toBeGreaterThan(0);
  const tail = s.numTensors.slice(2);
  expect(Math.max(...tail) - Math.min(...tail)).toBe(0);
  // kNN accuracy with 10 labels per class is a probability, and there were no console errors.
  expect(s.knnAccuracy).toBeGreaterThan(0);
  expect(s.knnAccuracy).toBeLessThanOrEqual(1);
  expect(consoleErrors).toEqual([]);
});

/**
 * End-to-end: the training page is cross-origin isolated (COOP/COEP headers of vite.config.ts)
 * and trains on WASM with Web Workers (`pretrain({ workers, spawnWorker })`, src/ssl-worker.ts).
 * The same seeded steps run with 1 worker (the main thread alone) and with 2; the losses must
 * agree to float tolerance (a step with W workers computes the global batch's loss, and the
 * head's batch norm is synchronized across the workers), the status line must show the worker count, and memory
 * must stay flat. Prints images/s with 1 and 2 workers.
 */
import { ORIGIN, useBrowserPage } from './harness';

const STEPS = Number(process.env.E2E_WORKERS_STEPS ?? 6);
const BATCH = Number(process.env.E2E_WORKERS_BATCH ?? 32);
/**
 * Relative tolerance on each step's loss (float32 summation order differs between shards, and
 * six Adam steps carry it on; SimCLR's default temperature 0.2 scales the logits by 5, so the
 * relative differences measured reach 2.7e-4). The exact gradient equality of W workers and one
 * thread is checked to 1e-5 in @ssl/trainer's workers tests; a shard's gradient not summed, or
 * off by 1/W, moves these losses by far more.
 */
const RTOL = 1e-3;

interface PageState {
  backend: string;
  isolated: boolean;
  workers: number;
  workersReason: string | null;
  imagesPerSecHistory: number[];
  step: number;
  losses: number[];
  numTensors: number[];
  workerTensors: number[][];
  running: boolean;
  knnAccuracy: number | null;
}

const session = useBrowserPage();

async function train(
  workers: '1' | '2' | 'auto',
): Promise<PageState & { shown: string; ms: number }> {
  const { page } = session;
  // the default head (batch norm, synchronized across the workers)
  await page.goto(`${ORIGIN}/?points=100&knnTest=200`);
  await page.waitForSelector('#start:not([disabled])');
  await page.selectOption('#backend-choice', 'wasm');
  await page.selectOption('#workers-choice', workers);
  await page.fill('#steps', String(STEPS));
  await page.fill('#batch', String(BATCH));
  const t0 = Date.now();
  await page.click('#start');
  await page.waitForFunction(
    () => {
      const s = (window as unknown as { __ssl?: { running: boolean; knnAccuracy: number | null } })
        .__ssl;
      return s !== undefined && !s.running && s.knnAccuracy !== null;
    },
    undefined,
    { timeout: 120000, polling: 250 },
  );
  const ms = Date.now() - t0;
  const s = await page.evaluate(() => (window as unknown as { __ssl: PageState }).__ssl);
  return { ...s, shown: (await page.textContent('#backend')) ?? '', ms };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

test('the isolated page trains on 2 WASM workers with the losses of 1 worker', async () => {
  session.consoleErrors.length = 0;
  await session.page.goto(`${ORIGIN}/`);
  expect(await session.page.evaluate(() => crossOriginIsolated)).toBe(true);
  expect(await session.page.evaluate(() => typeof SharedArrayBuffer)).toBe('function');
  // isolated: the page offers its workers, 'auto' first
  expect(await session.page.$eval('#workers-choice', (el) => (el as HTMLSelectElement).value)).toBe(
    'auto',
  );

  const one = await train('1');
  const two = await train('2');
  const auto = await train('auto');
  for (const [w, r] of [
    ['1', one],
    ['2', two],
    [`auto = ${auto.workers}`, auto],
  ] as const) {
    console.log(
      `e2e wasm, ${w} worker(s): median ${median(r.imagesPerSecHistory).toFixed(1)} images/s ` +
        `(max ${Math.max(...r.imagesPerSecHistory).toFixed(1)}; batch ${BATCH}, ${STEPS} steps, ` +
        `${(r.ms / 1000).toFixed(1)} s with the map and kNN); losses ${r.losses.map((l) => l.toFixed(5)).join(', ')}`,
    );
  }

  const rel = (r: PageState) =>
    Math.max(...r.losses.map((l, i) => Math.abs(l - one.losses[i]) / Math.abs(one.losses[i])));
  console.log(
    `e2e wasm: largest relative loss difference to 1 worker: 2 workers ${rel(two).toExponential(2)}, auto ${rel(auto).toExponential(2)}`,
  );

  expect(one.backend).toBe('wasm');
  expect(two.backend).toBe('wasm');
  expect(one.workers).toBe(1);
  expect(two.workers).toBe(2);
  expect(two.workersReason).toBeNull();
  expect(one.shown).toContain('wasm, 1 worker');
  expect(two.shown).toContain('wasm, 2 workers');
  // 'auto': navigator.hardwareConcurrency, at most half the batch (a shard has 2 examples or more)
  const cores = await session.page.evaluate(() => navigator.hardwareConcurrency);
  expect(auto.workers).toBe(Math.max(1, Math.min(cores, Math.floor(BATCH / 2))));
  expect(await session.page.textContent('#workers')).toBe(String(auto.workers));

  expect(one.step).toBe(STEPS);
  expect(two.step).toBe(STEPS);
  expect(two.losses.every(Number.isFinite)).toBe(true);
  // same seed, same global batches: the same losses up to float32 summation order; after a few
  // steps a wrong gradient (e.g. a shard's gradient not summed, or off by 1/W) would differ
  for (const r of [two, auto]) {
    expect(r.losses).toHaveLength(STEPS);
    r.losses.forEach((l, i) => {
      expect(Math.abs(l - one.losses[i])).toBeLessThanOrEqual(RTOL * Math.abs(one.losses[i]));
    });
  }
  // it learned: the last loss is below the first (the same holds for 1 worker, as they agree)
  expect(two.losses[STEPS - 1]).toBeLessThan(two.losses[0]);
  // the main thread's memory stays flat while training with workers
  const tail = two.numTensors.slice(2);
  expect(Math.max(...tail) - Math.min(...tail)).toBe(0);
  // and so does each worker's (its tensor count after every step)
  expect(two.workerTensors).toHaveLength(STEPS);
  for (let w = 0; w < 2; w++) {
    const counts = two.workerTensors.map((c) => c[w]);
    expect(new Set(counts).size).toBe(1);
  }
  expect(two.knnAccuracy).toBeGreaterThan(0);
  expect(session.consoleErrors).toEqual([]);
});

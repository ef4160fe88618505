/**
 * Benchmark (not part of `npm run test:e2e`): images/s of the page on WASM with 1 and 2 workers
 * in headless Chromium, and the CPU time of each renderer thread (the page's main thread, each
 * Dedicated Worker) from /proc, so that the numbers mean something on a machine shared with
 * other jobs. Steps 1–2 (compilation, warm-up) are left out. Run it with
 *
 *   E2E_PORT=4179 npx jest -c jest.e2e.config.cjs --testMatch '<rootDir>/e2e/*.bench.ts'
 *
 * (`BENCH_BATCH`, default 256; `BENCH_STEPS`, default 10; `BENCH_REPS`, default 3).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { ORIGIN, useBrowserPage } from './harness';

const BATCH = Number(process.env.BENCH_BATCH ?? 256);
const STEPS = Number(process.env.BENCH_STEPS ?? 10);
const REPS = Number(process.env.BENCH_REPS ?? 3);
const WARMUP = 2;
const CLOCK_TICKS = 100; // USER_HZ: the unit of utime and stime in /proc/<pid>/task/<tid>/stat

const session = useBrowserPage();

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces). */
function statFields(path: string): { name: string; fields: string[] } {
  const s = readFileSync(path, 'utf8');
  return {
    name: s.slice(s.indexOf('(') + 1, s.lastIndexOf(')')),
    fields: s.slice(s.lastIndexOf(')') + 2).split(' '),
  };
}

/** The renderer processes this test's Chromium started (descendants of this process). */
function renderers(): number[] {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      parent.set(Number(d), Number(statFields(`/proc/${d}/stat`).fields[1]));
    } catch {
      // gone
    }
  }
  const mine = (pid: number): boolean => {
    for (
      let p = parent.get(pid), i = 0;
      p !== undefined && p > 1 && i < 64;
      p = parent.get(p), i++
    ) {
      if (p === process.pid) return true;
    }
    return false;
  };
  return [...parent.keys()].filter((pid) => {
    try {
      return mine(pid) && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer');
    } catch {
      return false;
    }
  });
}

/** CPU seconds (user + system) of every renderer thread, by `name#tid`. */
function threadCpu(): Map<string, number> {
  const out = new Map<string, number>();
  for (const pid of renderers()) {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        const { name, fields } = statFields(`/proc/${pid}/task/${tid}/stat`);
        out.set(`${name}#${tid}`, (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS);
      } catch {
        // gone
      }
    }
  }
  return out;
}

const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
const pageStep = () =>
  session.page.evaluate(() => (window as unknown as { __ssl: { step: number } }).__ssl.step);

async function untilStep(n: number): Promise<void> {
  while ((await pageStep()) < n) await new Promise((r) => setTimeout(r, 20));
}

async function measure(workers: '1' | '2'): Promise<string> {
  const { page } = session;
  await page.goto(`${ORIGIN}/?points=100&knnTest=200`);
  await page.waitForSelector('#start:not([disabled])');
  await page.selectOption('#backend-choice', 'wasm');
  await page.selectOption('#workers-choice', workers);
  await page.fill('#steps', String(STEPS));
  await page.fill('#batch', String(BATCH));
  await page.click('#start');
  await untilStep(WARMUP);
  const [cpu0, t0, load0] = [threadCpu(), performance.now(), load()];
  await untilStep(STEPS);
  const [cpu1, t1, load1] = [threadCpu(), performance.now(), load()];
  await page.waitForFunction(
    () => {
      const s = (window as unknown as { __ssl: { running: boolean; knnAccuracy: number | null } })
        .__ssl;
      return !s.running && s.knnAccuracy !== null;
    },
    undefined,
    { timeout: 300000, polling: 250 },
  );
  const steps = STEPS - WARMUP;
  const seconds = (t1 - t0) / 1000;
  // per step: the page's main thread (its name is the executable's), each worker, the rest
  const perThread = new Map<string, number>();
  let total = 0;
  for (const [key, end] of cpu1) {
    const used = end - (cpu0.get(key) ?? 0);
    total += used;
    const name = key.startsWith('DedicatedWorker') ? key : key.replace(/#\d+$/, '');
    perThread.set(name, (perThread.get(name) ?? 0) + used);
  }
  const main = perThread.get('chromium') ?? 0;
  const workerCpu = [...perThread]
    .filter(([k]) => k.startsWith('DedicatedWorker'))
    .map(([, v]) => v);
  return (
    `workers ${workers}: ${((steps * BATCH) / seconds).toFixed(1)} images/s ` +
    `(${(steps / seconds).toFixed(2)} steps/s), ${((steps * BATCH) / total).toFixed(1)} images per CPU-second; ` +
    `CPU s per step: main thread ${(main / steps).toFixed(2)}` +
    (workerCpu.length
      ? `, workers ${workerCpu.map((v) => (v / steps).toFixed(2)).join(' + ')}`
      : '') +
    `, renderer total ${(total / steps).toFixed(2)}; load average ${load0} -> ${load1}`
  );
}

test(`images/s on WASM with 1 and 2 workers (batch ${BATCH})`, async () => {
  for (let rep = 0; rep < REPS; rep++) {
    for (const w of ['1', '2'] as const)
      process.stdout.write(`bench batch ${BATCH}, ${await measure(w)}\n`);
  }
}, 1800000);

/**
 * `npm run bench -- --workers 1,2`: the reference step through
 * `pretrain({ workers })` for each worker count, beside PyTorch with 1 and
 * with as many threads in the same run.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend, tuning, wasmSimdBuild, type BackendName } from '@ssl/backends';
import { pretrain } from '@ssl/trainer';
import type { BenchArgs } from './args';
import { BENCH_MODELS, type BenchModelName } from './models';
import { referenceMethod } from './reference-method';

/** One worker count's numbers. */
export interface WorkersResult {
  backend: string;
  /** wasm only: the build of the SIMD kernels on the main thread (the workers pick theirs the same way). */
  simdBuild?: string;
  workers: number;
  batchSize: number;
  steps: number;
  imagesPerSecond: number;
  /** Images ÷ CPU time of the whole process (every thread). */
  imagesPerCpuSecond: number;
  secondsPerStep: number;
  /** images/s ÷ (W × images/s of W = 1). */
  scalingEfficiency?: number;
  /** Per step, mean ms: main-thread copies, slowest worker's copies, the main thread's loss gradient while workers wait. */
  exchange?: { mainCopyMs: number; workerCopyMs: number; lossMs: number; totalMs: number };
  /** Per step, mean ms of the slowest worker's forward and backward. */
  compute?: { forwardMs: number; backwardMs: number };
  leakedTensorsPerStep: number;
  finalLoss: number;
}

/** PyTorch's numbers for one thread count. */
export interface TorchResult {
  threads: number;
  batchSize: number;
  imagesPerSecond: number;
  imagesPerCpuSecond: number;
  torch: string;
}

/** `a / b` as `0.42x`. */
export function torchRatio(a: number, b: number): string {
  return `${(a / b).toFixed(2)}x`;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);

async function runWorkers(
  backend: BackendName,
  workers: number,
  args: BenchArgs,
): Promise<WorkersResult> {
  const spec = BENCH_MODELS[args.model as BenchModelName];
  const batchSize = args.batchSize ?? spec.batchSize;
  const steps = args.steps ?? 10;
  const warmup = Math.max(args.warmup ?? 1, 1);
  const model = spec.build(0, args.width);
  const x = tf.randomUniform([batchSize, ...spec.inputShape], 0, 1, 'float32', 0) as tf.Tensor4D;
  const method = referenceMethod();
  const optimizer = tf.train.adam(1e-3);
  let cpu0 = process.cpuUsage();
  let t0 = 0;
  let tensors0 = 0;
  try {
    const result = await pretrain({
      method,
      encoder: model,
      data: x,
      epochs: warmup + steps,
      batchSize,
      optimizer,
      workers,
      stopOnNaN: false,
      workerImports: [path.join(__dirname, 'reference-method.js')],
      callbacks: [
        {
          onStepEnd(logs) {
            if (logs.step === warmup - 1) {
              cpu0 = process.cpuUsage();
              t0 = performance.now();
              tensors0 = tf.memory().numTensors;
            }
            process.stderr.write(
              `[${backend} workers=${workers}] step ${logs.step + 1}/${warmup + steps} loss ${logs.loss.toFixed(4)}\n`,
            );
          },
        },
      ],
    });
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const timed = (result.exchange ?? []).slice(warmup);
    const out: WorkersResult = {
      backend,
      simdBuild: backend === 'wasm' ? wasmSimdBuild(tf.backend()) : undefined,
      workers: result.workers,
      batchSize,
      steps,
      imagesPerSecond: (batchSize * steps) / seconds,
      imagesPerCpuSecond: (batchSize * steps) / ((cpu.user + cpu.system) / 1e6),
      secondsPerStep: seconds / steps,
      leakedTensorsPerStep: (tf.memory().numTensors - tensors0) / steps,
      finalLoss: result.history[result.history.length - 1]?.loss ?? NaN,
    };
    if (timed.length) {
      const main = mean(timed.map((e) => e.mainCopyMs));
      const wk = mean(timed.map((e) => e.workerCopyMs));
      const loss = mean(timed.map((e) => e.lossMs));
      out.exchange = {
        mainCopyMs: main,
        workerCopyMs: wk,
        lossMs: loss,
        totalMs: main + wk + loss,
      };
      out.compute = {
        forwardMs: mean(timed.map((e) => Math.max(...e.forwardMs))),
        backwardMs: mean(timed.map((e) => Math.max(...e.backwardMs))),
      };
    }
    return out;
  } finally {
    optimizer.dispose();
    method.dispose();
    model.dispose();
    x.dispose();
  }
}

/** PyTorch with `threads` threads, the model and shapes of `args` (an error when python3 with torch is missing). */
export function runTorch(threads: number, args: BenchArgs): TorchResult | { error: string } {
  const script = path.join(__dirname, '..', 'python', 'simclr_step.py');
  // the first python3 that has torch (Debian's python3-torch lives in /usr/bin's python3)
  const pythons = process.env.SSL_BENCH_PYTHON
    ? [process.env.SSL_BENCH_PYTHON]
    : ['python3', '/usr/bin/python3'];
  const argv = [
    script,
    String(threads),
    String(args.batchSize ?? BENCH_MODELS[args.model as BenchModelName].batchSize),
    String(args.steps ?? 10),
    String(Math.max(args.warmup ?? 1, 1)),
    args.model,
    String(args.width),
  ];
  let why = '';
  for (const python of pythons) {
    const r = spawnSync(python, argv, {
      encoding: 'utf8',
      env: { ...process.env, OMP_NUM_THREADS: String(threads) },
    });
    if (r.status === 0) return JSON.parse(r.stdout.trim().split('\n').pop()!) as TorchResult;
    why = `${python}: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`;
  }
  return { error: `no python3 with torch ran ${script} (${why})` };
}

/** Runs every worker count of `args.workers` on `backend`, then PyTorch with 1 and max(workers) threads. */
export async function benchWorkers(
  backend: BackendName,
  args: BenchArgs,
): Promise<{ workers: WorkersResult[]; torch: (TorchResult | { error: string })[] }> {
  await useBackend(backend, { quiet: true });
  tuning.simd = args.simd === 'on';
  tuning.simdBuild = args.simdBuild;
  const results: WorkersResult[] = [];
  for (const w of args.workers ?? [1]) results.push(await runWorkers(backend, w, args));
  const one = results.find((r) => r.workers === 1);
  if (one)
    for (const r of results)
      r.scalingEfficiency = r.imagesPerSecond / (r.workers * one.imagesPerSecond);
  const threads = [...new Set([1, Math.max(...(args.workers ?? [1]))])];
  const torch = args.torch === 'off' ? [] : threads.map((t) => runTorch(t, args));
  return { workers: results, torch };
}

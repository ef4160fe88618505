/**
 * `npm run bench` — a SimCLR training step (the reference model of the
 * backends issue, or another of models.ts with --model) on each available
 * TensorFlow.js backend, beside PyTorch with the same step and shapes:
 * images/second, the ratios to PyTorch, the WASM SIMD build, batch size,
 * tensors leaked per step (must be 0) and peak memory; `--json` for
 * machine-readable output, `--profile` for the time per kernel. See `USAGE`
 * in args.ts.
 */
import { writeFileAtomic } from '@ssl/trainer/node';
import * as os from 'os';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import {
  loadBackendPackage,
  registerWasmTrainingKernels,
  tuning,
  useBackend,
  wasmSimdBuild,
  type BackendName,
} from '@ssl/backends';
import { parseArgs, type BenchArgs } from './args';
import { profileKernels, type KernelCall, type KernelTime } from './kernel-profile';
import { BENCH_MODELS, type BenchModelName } from './models';
import { makeSimclrStep } from './simclr-model';
import {
  benchWorkers,
  runTorch,
  torchRatio,
  type TorchResult,
  type WorkersResult,
} from './workers-bench';
import { benchVit } from './vit-bench';

interface BackendResult {
  backend: string;
  /** wasm only: which @ssl/backends kernels were used ('all' or only the 'missing' ones). */
  kernels?: 'all' | 'missing';
  /** wasm only: whether the WASM SIMD kernels of @ssl/backends were on. */
  simd?: 'on' | 'off';
  /** wasm only: the build of the SIMD kernels that ran ('none': off or unavailable). */
  simdBuild?: string;
  batchSize: number;
  steps: number;
  imagesPerSecond: number;
  secondsPerStep: number;
  /** CPU time of the process per step (user + system): steadier than wall time on a loaded machine. */
  cpuSecondsPerStep: number;
  /** batchSize / cpuSecondsPerStep: images per CPU-second. */
  imagesPerCpuSecond: number;
  leakedTensorsPerStep: number;
  finalLoss: number;
  /** Peak resident memory of the process so far, MiB. */
  peakRssMiB: number;
  /** Size of the WASM heap (wasm backend only; it only grows, so it is the peak), MiB. */
  wasmHeapMiB?: number;
  profile?: { totalMs: number; kernels: KernelTime[]; slowest: KernelCall[] };
}

const MIB = 1024 * 1024;

function progress(msg: string): void {
  if (process.stderr.isTTY) process.stderr.write(`\r${msg}\x1b[K`);
  else process.stderr.write(`${msg}\n`);
}

function wasmHeapMiB(): number | undefined {
  const b = tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } };
  const bytes = b.wasm?.HEAPU8?.buffer.byteLength;
  return bytes == null ? undefined : bytes / MIB;
}

/**
 * Selects wasm with only the training kernels it lacks, keeping
 * tfjs-backend-wasm's own (slow) versions of the others: the "before" of the
 * profile in the @ssl/backends README. Must run before anything registers
 * the faster kernels (a fresh process).
 */
async function useWasmWithMissingKernelsOnly(): Promise<void> {
  if (!(await loadBackendPackage('wasm')))
    throw new Error('bench: @tensorflow/tfjs-backend-wasm is not installed');
  registerWasmTrainingKernels({ replaceSlow: false });
  if (!(await tf.setBackend('wasm')))
    throw new Error('bench: the wasm backend failed to initialise');
}

async function benchBackend(name: BackendName, args: BenchArgs): Promise<BackendResult> {
  if (name === 'wasm' && args.kernels === 'missing') await useWasmWithMissingKernelsOnly();
  else await useBackend(name, { quiet: true });
  tuning.simd = args.simd === 'on';
  tuning.simdBuild = args.simdBuild;
  const spec = BENCH_MODELS[args.model as BenchModelName];
  const batchSize = args.batchSize ?? (name === 'cpu' ? spec.cpuBatchSize : spec.batchSize);
  const steps = args.steps ?? (name === 'cpu' ? 1 : 10);
  const warmup = args.warmup ?? (name === 'cpu' ? 0 : 1);
  const model = spec.build(0, args.width);
  const x = tf.randomUniform([batchSize, ...spec.inputShape], 0, 1, 'float32', 0) as tf.Tensor4D;
  const simclr = makeSimclrStep(model, x);
  let loss = NaN;
  for (let i = 0; i < warmup; i++) {
    progress(`[${name}] warmup ${i + 1}/${warmup} (B=${batchSize})`);
    loss = await simclr.step();
  }
  const tensorsBefore = tf.memory().numTensors;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) {
    loss = await simclr.step();
    const s = (performance.now() - t0) / 1000;
    progress(
      `[${name}] step ${i + 1}/${steps}  ${((batchSize * (i + 1)) / s).toFixed(1)} images/s  loss ${loss.toFixed(4)}`,
    );
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpuUsed = process.cpuUsage(cpu0);
  const cpuSeconds = (cpuUsed.user + cpuUsed.system) / 1e6;
  const leaked = (tf.memory().numTensors - tensorsBefore) / steps;
  let profile: BackendResult['profile'];
  if (args.profile) {
    progress(`[${name}] profiling one step`);
    profile = await profileKernels(async () => {
      loss = await simclr.step();
    });
  }
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  const result: BackendResult = {
    backend: name,
    kernels: name === 'wasm' ? args.kernels : undefined,
    simd: name === 'wasm' ? args.simd : undefined,
    simdBuild: name === 'wasm' ? wasmSimdBuild(tf.backend()) : undefined,
    batchSize,
    steps,
    imagesPerSecond: (batchSize * steps) / seconds,
    secondsPerStep: seconds / steps,
    cpuSecondsPerStep: cpuSeconds / steps,
    imagesPerCpuSecond: (batchSize * steps) / cpuSeconds,
    leakedTensorsPerStep: leaked,
    finalLoss: loss,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    wasmHeapMiB: name === 'wasm' ? wasmHeapMiB() : undefined,
    profile,
  };
  simclr.dispose();
  x.dispose();
  model.dispose();
  return result;
}

/** The first line of every report: what ran, where. */
function header(args: BenchArgs, what: string): string {
  const spec = BENCH_MODELS[args.model as BenchModelName];
  const width = args.width === 1 ? '' : `, width ${args.width}`;
  return (
    `SimCLR step${what}, model ${args.model} (${spec.inputShape.join('x')}${width}; two views, Adam)` +
    ` on Node ${process.version}, ${os.cpus().length} CPUs, load average ${loadLine()}`
  );
}

function printTable(
  args: BenchArgs,
  results: BackendResult[],
  torch: (TorchResult | { error: string })[],
): void {
  console.log(header(args, ''));
  for (const r of results) {
    const heap = r.wasmHeapMiB != null ? `  wasm heap ${r.wasmHeapMiB.toFixed(0)} MiB` : '';
    const build = r.simdBuild != null ? ` [SIMD ${r.simdBuild}]` : '';
    console.log(
      `${(r.kernels === 'missing' ? `${r.backend}*` : r.backend).padEnd(10)}${build} B=${String(r.batchSize).padEnd(4)} ${r.imagesPerSecond.toFixed(1).padStart(8)} images/s` +
        `  ${r.secondsPerStep.toFixed(3)} s/step (${r.imagesPerCpuSecond.toFixed(1)} images per CPU-second)  leaked ${r.leakedTensorsPerStep} tensors/step` +
        `  peak RSS ${r.peakRssMiB.toFixed(0)} MiB${heap}`,
    );
    if (r.kernels === 'missing')
      console.log('  * only the missing training kernels (--kernels missing)');
    if (r.simd === 'off') console.log('  without the WASM SIMD kernels (--simd off)');
    if (r.profile) {
      console.log(`  profile of one step (${r.profile.totalMs.toFixed(0)} ms in kernels):`);
      for (const k of r.profile.kernels.slice(0, 15)) {
        console.log(
          `    ${k.kernel.padEnd(36)} ${k.ms.toFixed(1).padStart(8)} ms  ${String(k.calls).padStart(4)} calls`,
        );
      }
      console.log('  slowest calls:');
      for (const c of r.profile.slowest) {
        const shapes = c.inputShapes.map((s) => `[${s.join(',')}]`).join(' ');
        console.log(`    ${c.kernel.padEnd(36)} ${c.ms.toFixed(1).padStart(8)} ms  ${shapes}`);
      }
    }
  }
  for (const t of torch) {
    if ('error' in t) {
      console.log(`PyTorch: not run: ${t.error}`);
      continue;
    }
    console.log(
      `PyTorch ${t.torch} threads=${t.threads} B=${t.batchSize}  ${t.imagesPerSecond.toFixed(1).padStart(7)} images/s  ${t.imagesPerCpuSecond.toFixed(1)} images per CPU-second`,
    );
    for (const r of results) {
      if (r.batchSize !== t.batchSize) continue;
      console.log(
        `  ${r.backend}${r.simdBuild != null ? ` [SIMD ${r.simdBuild}]` : ''} / PyTorch ${t.threads} thread: ${torchRatio(r.imagesPerSecond, t.imagesPerSecond)}` +
          ` (per CPU-second ${torchRatio(r.imagesPerCpuSecond, t.imagesPerCpuSecond)})`,
      );
    }
  }
}

function loadLine(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

function printWorkers(
  args: BenchArgs,
  runs: { workers: WorkersResult[]; torch: (TorchResult | { error: string })[] }[],
): void {
  console.log(header(args, ' through pretrain({ workers })'));
  for (const run of runs) {
    for (const r of run.workers) {
      const ex = r.exchange
        ? `  exchange ${r.exchange.totalMs.toFixed(0)} ms/step (main copies ${r.exchange.mainCopyMs.toFixed(0)}, worker copies ${r.exchange.workerCopyMs.toFixed(0)}, loss gradient ${r.exchange.lossMs.toFixed(0)}; worker forward ${r.compute!.forwardMs.toFixed(0)}, backward ${r.compute!.backwardMs.toFixed(0)})`
        : '';
      console.log(
        `${r.backend.padEnd(6)}${r.simdBuild != null ? ` [SIMD ${r.simdBuild}]` : ''} workers=${String(r.workers).padEnd(3)} B=${r.batchSize}  ${r.imagesPerSecond.toFixed(1).padStart(7)} images/s` +
          `  ${r.imagesPerCpuSecond.toFixed(1)} images per CPU-second  ${r.secondsPerStep.toFixed(3)} s/step` +
          (r.scalingEfficiency !== undefined
            ? `  scaling efficiency ${r.scalingEfficiency.toFixed(2)}`
            : '') +
          `  leaked ${r.leakedTensorsPerStep} tensors/step${ex}`,
      );
    }
    const torch = run.torch.filter((t): t is TorchResult => !('error' in t));
    for (const t of run.torch) {
      if ('error' in t) console.log(`PyTorch: not run: ${t.error}`);
      else
        console.log(
          `PyTorch ${t.torch} threads=${t.threads} B=${t.batchSize}  ${t.imagesPerSecond.toFixed(1).padStart(7)} images/s  ${t.imagesPerCpuSecond.toFixed(1)} images per CPU-second`,
        );
    }
    const one = run.workers.find((r) => r.workers === 1);
    const top = run.workers.reduce((a, b) => (b.workers > a.workers ? b : a));
    const t1 = torch.find((t) => t.threads === 1);
    const tn = torch.find((t) => t.threads === top.workers);
    const parts: string[] = [];
    if (one && top !== one)
      parts.push(
        `${top.workers} workers / 1 worker ${torchRatio(top.imagesPerSecond, one.imagesPerSecond)}`,
      );
    if (tn && top.workers > 1)
      parts.push(
        `${top.workers} workers / PyTorch ${tn.threads} threads ${torchRatio(top.imagesPerSecond, tn.imagesPerSecond)}`,
      );
    if (one && t1) {
      parts.push(
        `1 worker / PyTorch 1 thread ${torchRatio(one.imagesPerSecond, t1.imagesPerSecond)}`,
      );
      parts.push(
        `per CPU-second vs PyTorch 1 thread ${torchRatio(one.imagesPerCpuSecond, t1.imagesPerCpuSecond)}`,
      );
    }
    if (parts.length) console.log(`  ${parts.join('; ')}`);
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  tf.env().set('PROD', true); // no NaN checks / debug work while timing
  if (args.model === 'vit') {
    const { leaked, report } = await benchVit(args);
    if (args.out) await writeFileAtomic(args.out, JSON.stringify(report, null, 2) + '\n');
    if (leaked) process.exitCode = 1;
    return;
  }
  if (args.workers) {
    const names = args.backends === 'all' ? (['wasm'] as BackendName[]) : args.backends;
    const runs = [];
    for (const n of names) runs.push(await benchWorkers(n, args));
    const report = {
      benchmark: 'simclr-step-workers',
      model: args.model,
      width: args.width,
      date: new Date().toISOString(),
      node: process.version,
      cpus: os.cpus().length,
      loadAverage: os.loadavg(),
      runs,
    };
    if (args.json) console.log(JSON.stringify(report, null, 2));
    else printWorkers(args, runs);
    if (args.out) await writeFileAtomic(args.out, JSON.stringify(report, null, 2) + '\n');
    if (runs.some((r) => r.workers.some((w) => w.leakedTensorsPerStep !== 0))) process.exitCode = 1;
    return;
  }
  let names: BackendName[];
  if (args.backends === 'all') {
    names = [];
    for (const n of ['tensorflow', 'wasm', 'cpu'] as BackendName[]) {
      if (await loadBackendPackage(n)) names.push(n);
      else progress(`skipping '${n}': its package is not installed`);
    }
  } else {
    names = args.backends;
  }
  const results: BackendResult[] = [];
  for (const n of names) results.push(await benchBackend(n, args));
  // PyTorch with one thread, the same step and shapes, at the batch size of the first backend
  const torch =
    args.torch === 'off' || results.length === 0
      ? []
      : [runTorch(1, { ...args, batchSize: results[0].batchSize })];
  const report = {
    benchmark: 'simclr-step',
    model: args.model,
    width: args.width,
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    loadAverage: os.loadavg(),
    results,
    torch,
  };
  if (args.json) console.log(JSON.stringify(report, null, 2));
  else printTable(args, results, torch);
  if (args.out) {
    await writeFileAtomic(args.out, JSON.stringify(report, null, 2) + '\n');
  }
  if (results.some((r) => r.leakedTensorsPerStep !== 0)) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

import type { BackendName } from '@ssl/backends';
import { formatFlags, parseCommandLine } from '@ssl/trainer/node';
import { MODEL_NAMES, type BenchModelName } from './models';

/** Command-line options of the SimCLR step benchmark. */
export interface BenchArgs {
  /** Which model the SimCLR step trains (models.ts). Default 'reference'. */
  model: BenchModelName | 'vit';
  /** Multiplier of the model's channel counts. Default 1. */
  width: number;
  /** Backends to measure; 'all' (default) = every installed one of tensorflow, wasm, cpu. */
  backends: BackendName[] | 'all';
  /** Images per view per step. Default: the model's (reference 256, resnet18 32; less on cpu). */
  batchSize?: number;
  /** Timed steps. Default 10 (1 on cpu). */
  steps?: number;
  /** Untimed steps first (they allocate the optimizer state). Default 1 (0 on cpu). */
  warmup?: number;
  /** Print one JSON object on stdout instead of the table. Default false. */
  json: boolean;
  /**
   * Also write the JSON report to this file (atomically). Useful through the
   * root `npm run bench`, whose stdout also carries turbo's build log.
   */
  out?: string;
  /** Also run one step under tf.profile and list time per kernel. Default false. */
  profile: boolean;
  /**
   * wasm kernels: 'all' (default) = every @ssl/backends kernel; 'missing' =
   * only the ones tfjs-backend-wasm lacks, keeping its own slow ones (the
   * "before" of the profile in the @ssl/backends README).
   */
  kernels: 'all' | 'missing';
  /**
   * wasm: use the WASM SIMD kernels of @ssl/backends ('on', default) or
   * their XNNPACK/JavaScript fallbacks ('off': the kernels before them).
   */
  simd: 'on' | 'off';
  /** wasm: which build of the SIMD kernels ('auto': relaxed SIMD where the engine has it). */
  simdBuild: 'auto' | 'relaxed-simd' | 'simd128';
  /** Worker counts to run the reference step with through `pretrain({ workers })` (absent: the direct step). */
  workers?: number[];
  /** Also PyTorch, the same step and shapes ('on', default) or not: 1 thread (and max(workers) threads). */
  torch: 'on' | 'off';
}

const BACKENDS = ['tensorflow', 'wasm', 'webgpu', 'webgl', 'cpu'];

/** The flags; the parser and the usage both read this. */
export const BENCH_FLAGS = {
  model: {
    type: 'string',
    choices: [...MODEL_NAMES, 'vit'],
    default: 'reference',
    help: 'the model the SimCLR step trains (bench/src/models.ts); vit: the ViT embed / train step and the MAE step (vit-bench.ts)',
  },
  width: {
    type: 'number',
    min: 0,
    exclusiveMin: true,
    max: 64,
    default: 1,
    help: "multiplier of the model's channel counts",
  },
  backend: {
    type: 'string',
    value: 'B[,B]',
    help: `all (default) or a comma-separated list of ${BACKENDS.join(', ')}`,
  },
  'batch-size': {
    type: 'int',
    min: 2,
    max: 65_536,
    help: "images per view per step (default: the model's, reference 256, resnet18 32)",
  },
  steps: { type: 'int', min: 1, max: 100_000, help: 'timed steps (default 10, cpu 1)' },
  warmup: { type: 'int', min: 0, max: 100_000, help: 'untimed steps first (default 1, cpu 0)' },
  json: { type: 'boolean', help: 'print one JSON object instead of the table' },
  out: { type: 'string', value: 'FILE', help: 'also write the JSON report to FILE (atomically)' },
  profile: { type: 'boolean', help: 'also profile one step per kernel' },
  kernels: {
    type: 'string',
    choices: ['all', 'missing'],
    default: 'all',
    help: 'wasm kernels: every @ssl/backends one, or only those tfjs-backend-wasm lacks',
  },
  simd: {
    type: 'string',
    choices: ['on', 'off'],
    default: 'on',
    help: 'wasm: the WASM SIMD kernels of @ssl/backends (on) or their fallbacks (off: the kernels before them)',
  },
  'simd-build': {
    type: 'string',
    choices: ['auto', 'relaxed-simd', 'simd128'],
    default: 'auto',
    help: 'wasm: build of the SIMD kernels (auto: relaxed SIMD, i.e. fused multiply-add, where the engine validates it)',
  },
  workers: {
    type: 'string',
    value: 'N[,N]',
    help: 'run the step through pretrain({ workers }) with each count (e.g. 1,2); default backend wasm',
  },
  torch: {
    type: 'string',
    choices: ['on', 'off'],
    default: 'on',
    help: 'PyTorch, same step and shapes, with 1 (and max(N)) threads in the same run (python3 + torch)',
  },
} as const;

export const USAGE = `usage: npm run bench -- [options]\n\n${formatFlags(BENCH_FLAGS)}`;

/** Parses `argv` (without node and the script); throws one line naming the flag on bad input. */
export function parseArgs(argv: string[]): BenchArgs {
  const v = parseCommandLine('bench', argv, BENCH_FLAGS);
  let backends: BenchArgs['backends'] = 'all';
  if (v.backend !== undefined && v.backend !== 'all') {
    const names = v.backend.split(',');
    if (names.some((n) => !BACKENDS.includes(n))) {
      throw new Error(
        `bench: --backend must be all or one of ${BACKENDS.join(', ')}, got ${JSON.stringify(v.backend)}`,
      );
    }
    backends = names as BackendName[];
  }
  const out: BenchArgs = {
    model: v.model as BenchArgs['model'],
    width: v.width,
    simdBuild: v['simd-build'] as BenchArgs['simdBuild'],
    backends,
    json: v.json,
    profile: v.profile,
    kernels: v.kernels,
    simd: v.simd,
    torch: v.torch,
  };
  if (v.workers !== undefined) {
    const counts = v.workers.split(',').map(Number);
    if (counts.some((n) => !Number.isInteger(n) || n < 1 || n > 256)) {
      throw new Error(
        `bench: --workers must be a comma-separated list of integers in [1, 256], got ${JSON.stringify(v.workers)}`,
      );
    }
    out.workers = counts;
    if (backends === 'all') out.backends = ['wasm'];
  }
  if (v['batch-size'] !== undefined) out.batchSize = v['batch-size'];
  if (v.steps !== undefined) out.steps = v.steps;
  if (v.warmup !== undefined) out.warmup = v.warmup;
  if (v.out !== undefined) out.out = v.out;
  return out;
}

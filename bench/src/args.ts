import type { BackendName } from '@ssl/backends';
import { formatFlags, parseCommandLine } from '@ssl/trainer/node';

/** Command-line options of the SimCLR step benchmark. */
export interface BenchArgs {
  /** Backends to measure; 'all' (default) = every installed one of tensorflow, wasm, cpu. */
  backends: BackendName[] | 'all';
  /** Images per view per step. Default 256 (16 on cpu, which runs at about 1 image/s). */
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
  /** Worker counts to run the reference step with through `pretrain({ workers })` (absent: the direct step). */
  workers?: number[];
  /** With --workers: also PyTorch with 1 and max(workers) threads ('on', default) or not. */
  torch: 'on' | 'off';
  /** What to time: the reference SimCLR step ('simclr', default) or the ViT and MAE steps ('vit', vit-bench.ts). */
  model: 'simclr' | 'vit';
}

const BACKENDS = ['tensorflow', 'wasm', 'webgpu', 'webgl', 'cpu'];

/** The flags; the parser and the usage both read this. */
export const BENCH_FLAGS = {
  backend: {
    type: 'string',
    value: 'B[,B]',
    help: `all (default) or a comma-separated list of ${BACKENDS.join(', ')}`,
  },
  'batch-size': {
    type: 'int',
    min: 2,
    max: 65_536,
    help: 'images per view per step (default 256, cpu 16)',
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
  workers: {
    type: 'string',
    value: 'N[,N]',
    help: 'run the step through pretrain({ workers }) with each count (e.g. 1,2); default backend wasm',
  },
  torch: {
    type: 'string',
    choices: ['on', 'off'],
    default: 'on',
    help: 'with --workers: PyTorch with 1 and max(N) threads in the same run (python3 + torch)',
  },
  model: {
    type: 'string',
    choices: ['simclr', 'vit'],
    default: 'simclr',
    help: 'simclr: the reference SimCLR step; vit: the ViT embed / train step and the MAE step (default backend wasm)',
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
    backends,
    json: v.json,
    profile: v.profile,
    kernels: v.kernels,
    simd: v.simd,
    torch: v.torch,
    model: v.model,
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

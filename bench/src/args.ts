import type { BackendName } from '@ssl/backends';

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
}

export const USAGE = `usage: npm run bench -- [--backend all|wasm|cpu|tensorflow|webgpu[,...]] [--batch-size N]
                          [--steps N] [--warmup N] [--json] [--out FILE] [--profile]
                          [--kernels all|missing]`;

const BACKENDS = ['tensorflow', 'wasm', 'webgpu', 'webgl', 'cpu'];

function positiveInt(flag: string, v: string | undefined, min = 1): number {
  const n = Number(v);
  if (v == null || !Number.isInteger(n) || n < min) {
    throw new Error(
      `bench: ${flag} must be an integer >= ${min}, got ${JSON.stringify(v)}\n${USAGE}`,
    );
  }
  return n;
}

/** Parses `argv` (without node and the script); throws with the usage on bad input. */
export function parseArgs(argv: string[]): BenchArgs {
  const out: BenchArgs = {
    backends: 'all',
    json: false,
    profile: false,
    kernels: 'all',
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = (): string | undefined => (inline !== undefined ? inline : argv[++i]);
    switch (flag) {
      case '--backend': {
        const v = value() ?? '';
        if (v === 'all') break;
        const names = v.split(',');
        const bad = names.find((n) => !BACKENDS.includes(n));
        if (bad !== undefined || names.length === 0) {
          throw new Error(
            `bench: --backend must be all or one of ${BACKENDS.join(', ')}, got ${JSON.stringify(v)}`,
          );
        }
        out.backends = names as BackendName[];
        break;
      }
      case '--batch-size':
        out.batchSize = positiveInt(flag, value(), 2);
        break;
      case '--steps':
        out.steps = positiveInt(flag, value());
        break;
      case '--warmup':
        out.warmup = positiveInt(flag, value(), 0);
        break;
      case '--kernels': {
        const v = value();
        if (v !== 'all' && v !== 'missing') {
          throw new Error(`bench: --kernels must be all or missing, got ${JSON.stringify(v)}`);
        }
        out.kernels = v;
        break;
      }
      case '--json':
        out.json = true;
        break;
      case '--out': {
        const v = value();
        if (!v) throw new Error(`bench: --out needs a file name\n${USAGE}`);
        out.out = v;
        break;
      }
      case '--profile':
        out.profile = true;
        break;
      default:
        throw new Error(`bench: unknown option ${JSON.stringify(argv[i])}\n${USAGE}`);
    }
  }
  return out;
}

// run.json: the settings a pretraining run was started with, written into its
// --out folder at the start; `--resume` reuses them and refuses a changed one.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { UsageError } from './command-line';
import pkg from '../../package.json';
import { writeFileAtomic } from '../io/atomic';
import { kebab } from '../methods/registry';
import type { PretrainArgs } from './args';

/** The file in the run folder. */
export const RUN_FILE = 'run.json';

/**
 * Flags a resumed run may change: how long and where it runs, not what it
 * learns (when not given, run.json's value is used). Every other flag of
 * `ssl pretrain` is fixed by run.json.
 */
export const RESUMABLE_FLAGS = [
  'epochs',
  'checkpoint-every',
  'checkpoint-every-steps',
  'backend',
  'workers',
  'quiet',
  'resume',
  'overwrite',
  'out',
  'help',
] as const;

/** run.json's content. */
export interface RunConfig {
  /** Format version of this file. */
  version: 1;
  command: 'pretrain';
  /** When the run was first started (ISO 8601). */
  created: string;
  /**
   * Every setting that fixes what is learnt, as `--flag value` pairs (the
   * resolved values: image size and channels as read from the folder).
   */
  flags: Record<string, string | number | boolean>;
  /** What the flags came to: the encoder's input, the augmentation, the method's options. */
  resolved: {
    inputShape?: number[];
    encoder: string;
    augmentation: string;
    methodOptions: Record<string, number | boolean>;
  };
  /** Versions of the packages that ran it. */
  packages: Record<string, string>;
}

/** Versions of the @ssl packages and tfjs in this program. */
export function packageVersions(): Record<string, string> {
  const out: Record<string, string> = {
    '@ssl/trainer': pkg.version,
    '@tensorflow/tfjs-core': tf.version_core,
  };
  const req = createRequire(__filename);
  for (const name of ['augment', 'backends', 'data', 'encoders', 'losses', 'mlm']) {
    try {
      out[`@ssl/${name}`] = (req(`@ssl/${name}/package.json`) as { version: string }).version;
    } catch {
      // not resolvable from here (bundled differently): left out
    }
  }
  return out;
}

/** Reads `<out>/run.json`, or undefined when the folder has none. */
export function readRunConfig(out: string): RunConfig | undefined {
  const file = path.join(out, RUN_FILE);
  if (!existsSync(file)) return undefined;
  let cfg: RunConfig;
  try {
    cfg = JSON.parse(readFileSync(file, 'utf8')) as RunConfig;
  } catch (e) {
    throw new UsageError(`ssl pretrain: ${file} is not valid JSON (${(e as Error).message})`);
  }
  if (cfg?.version !== 1 || typeof cfg.flags !== 'object') {
    throw new UsageError(`ssl pretrain: ${file} is not a run.json of ssl pretrain (version 1)`);
  }
  return cfg;
}

/** The flag names given in `argv` (`--name value`, `--name=value`, `--flag`). */
export function givenFlags(argv: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const a of argv) {
    const m = /^--([a-z0-9-]+)(=|$)/.exec(a);
    if (m) names.add(m[1]);
  }
  return names;
}

/** The value given for `--name` in argv, if any. */
function valueOf(argv: readonly string[], name: string): string | true | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === `--${name}`) {
      const next = argv[i + 1];
      return next === undefined || next.startsWith('--') ? true : next;
    }
    if (argv[i].startsWith(`--${name}=`)) return argv[i].slice(name.length + 3);
  }
  return undefined;
}

function same(given: string | true, stored: string | number | boolean): boolean {
  if (typeof stored === 'boolean') return given === true || String(given) === String(stored);
  if (typeof stored === 'number') return given !== true && Number(given) === stored;
  return given === stored;
}

/**
 * `ssl pretrain ... --resume`: completes `argv` from `<out>/run.json` (every
 * stored flag that is not given is added) and refuses, with one line naming
 * the flag, a given flag whose value differs from the run's. Returns argv
 * unchanged when there is no run.json (a run from before run.json, or a new one).
 */
export function resumeArgv(argv: readonly string[]): string[] {
  if (!givenFlags(argv).has('resume')) return [...argv];
  const out = valueOf(argv, 'out');
  if (typeof out !== 'string') return [...argv];
  const cfg = readRunConfig(out);
  if (!cfg) return [...argv];
  const file = path.join(out, RUN_FILE);
  const added: string[] = [];
  for (const [name, stored] of Object.entries(cfg.flags)) {
    const given = valueOf(argv, name);
    if (given === undefined) {
      if (stored === false) continue;
      added.push(stored === true ? `--${name}` : `--${name}=${stored}`);
    } else if (!(RESUMABLE_FLAGS as readonly string[]).includes(name) && !same(given, stored)) {
      throw new UsageError(
        `ssl pretrain: --${name} ${given === true ? '' : `${given} `}differs from the run's --${name} ${stored} (${file}); ` +
          `drop --${name} to resume, or start a new run (another --out, or --overwrite)`,
      );
    }
  }
  return [...argv, ...added];
}

/** The run.json flags of `a` (image shape resolved): what `--resume` holds fixed. */
export function runFlags(a: PretrainArgs, shape?: number[]): RunConfig['flags'] {
  const flags: RunConfig['flags'] = {
    method: a.method,
    data: a.data.join(','),
    epochs: a.epochs,
    'batch-size': a.batchSize,
    optimizer: a.optimizer,
    'warmup-epochs': a.warmupEpochs,
    seed: a.seed,
    'checkpoint-every': a.checkpointEvery,
  };
  if (a.checkpointEverySteps !== undefined)
    flags['checkpoint-every-steps'] = a.checkpointEverySteps;
  if (a.limit !== undefined) flags.limit = a.limit;
  if (a.lr !== undefined) flags.lr = a.lr;
  if (a.method === 'mlm') {
    flags['vocab-size'] = a.vocabSize;
    flags['max-length'] = a.maxLength;
  } else {
    flags.encoder = a.encoder;
    flags.width = a.width;
    if (shape && a.data[0] !== 'mnist') {
      flags['image-size'] = shape[0];
      flags.channels = shape[2];
    }
  }
  for (const [k, v] of Object.entries(a.methodOptions)) flags[kebab(k)] = v;
  return flags;
}

/** Writes `<a.out>/run.json` (keeping `created` of an earlier one). */
export async function writeRunConfig(a: PretrainArgs, shape?: number[]): Promise<void> {
  const old = a.resume ? readRunConfig(a.out) : undefined;
  const text = a.method === 'mlm';
  const cfg: RunConfig = {
    version: 1,
    command: 'pretrain',
    created: old?.created ?? new Date().toISOString(),
    flags: runFlags(a, shape),
    resolved: {
      inputShape: shape,
      encoder: text
        ? 'transformerEncoder (dModel 64, 4 heads, 2 layers)'
        : `${a.encoder}${a.width !== 1 ? ` x${a.width}` : ''}`,
      augmentation: text
        ? 'BERT masking (15%: 80% [MASK], 10% random, 10% kept)'
        : a.method === 'mae'
          ? "random patch masking (the method's mask ratio)"
          : `simclrAugment preset '${shape && shape[0] <= 32 && shape[1] <= 32 && shape[2] === 1 ? 'digits' : 'simclr'}' (the default for ${shape?.join('x')})`,
      methodOptions: a.methodOptions,
    },
    packages: packageVersions(),
  };
  await writeFileAtomic(path.join(a.out, RUN_FILE), `${JSON.stringify(cfg, null, 2)}\n`);
}

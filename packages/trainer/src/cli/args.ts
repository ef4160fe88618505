import { existsSync, statSync } from 'node:fs';
import { parseArgs as parseNodeArgs } from 'node:util';
import { METHOD_NAMES } from '../methods/registry';

/** A command-line mistake: printed as one line, exit status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const METHODS = METHOD_NAMES; // from the method registry
export type MethodName = (typeof METHODS)[number];
export const BACKENDS = ['auto', 'wasm', 'cpu', 'tensorflow'] as const;
export type CliBackend = (typeof BACKENDS)[number];
export const OPTIMIZERS = ['adam', 'sgd', 'lars'] as const;
export const CORPORA = ['sotu', 'moby-dick', 'spam-assassin'] as const;

/** `ssl pretrain` settings. */
export interface PretrainArgs {
  command: 'pretrain';
  method: MethodName;
  /** 'mnist', an image folder, or (mlm) corpus names / text files / folders. */
  data: string[];
  epochs: number;
  batchSize: number;
  limit?: number;
  lr?: number;
  seed: number;
  backend: CliBackend;
  out: string;
  resume: boolean;
  optimizer: (typeof OPTIMIZERS)[number];
  warmupEpochs: number;
  checkpointEvery: number;
  imageSize: number;
  channels: 1 | 3;
  vocabSize: number;
  maxLength: number;
  quiet: boolean;
}

/** `ssl eval` settings. */
export interface EvalArgs {
  command: 'eval';
  encoder: string;
  data: 'mnist';
  labelsPerClass: number;
  k: number;
  limit?: number;
  seed: number;
  backend: CliBackend;
}

export type CliArgs =
  | PretrainArgs
  | EvalArgs
  | { command: 'help'; topic?: 'pretrain' | 'eval' }
  | { command: 'version' };

export const HELP = `ssl — self-supervised pretraining for TensorFlow.js

Usage:
  ssl pretrain --method <m> --data <d> --epochs N --batch-size N --out DIR [options]
  ssl eval --encoder DIR/encoder --data mnist [--labels-per-class N] [options]
  ssl --help | ssl <command> --help | ssl --version

ssl pretrain
  --method M            simclr | moco | byol | simsiam | barlow | vicreg | mlm
  --data D              images: mnist (bundled digits, train split) or a folder of PNG/JPEG
                        (subfolders = classes); mlm: sotu | moby-dick | spam-assassin | text
                        files or folders (comma-separated for several)
  --epochs N            epochs to train (>= 1)
  --batch-size N        examples per step (>= 1; >= 2 for the contrastive methods)
  --out DIR             writes DIR/encoder/model.json (+ weights.bin), DIR/metrics.jsonl,
                        DIR/checkpoint/ (and DIR/tokenizer.json for mlm)
  --limit N             use only the first N examples
  --lr X                peak learning rate (default: 1e-3 adam, 0.05 sgd, 0.3 lars)
  --optimizer O         adam | sgd | lars (default adam)
  --warmup-epochs N     linear warmup before the cosine decay (default 0; can be fractional)
  --seed N              seed of weights, batch order and augmentations (default 0)
  --backend B           auto | wasm | cpu | tensorflow (default auto)
  --resume              continue from DIR/checkpoint when it exists
  --checkpoint-every N  epochs between checkpoints (default 1; always after the last)
  --image-size N        side of images read from a folder (default 32)
  --channels C          1 | 3, channels of images read from a folder (default 3)
  --vocab-size N        mlm: WordPiece vocabulary size (default 2000)
  --max-length N        mlm: tokens per sequence (default 64)
  --quiet               no progress bar

ssl eval
  --encoder DIR         a saved encoder folder (model.json + weights.bin)
  --data mnist          evaluation data (train split: labelled subset; test split: scored)
  --labels-per-class N  labelled examples per class (default 10)
  --k N                 neighbours of the kNN classifier (default 1)
  --limit N             score only the first N test images
  --seed N              seed of the labelled subset and the probe (default 0)
  --backend B           auto | wasm | cpu | tensorflow (default auto)

Examples:
  ssl pretrain --method simclr --data mnist --epochs 5 --batch-size 128 --out runs/simclr
  ssl pretrain --method byol --data ./photos --image-size 64 --epochs 10 --batch-size 64 --out runs/byol --resume
  ssl pretrain --method mlm --data moby-dick --epochs 2 --batch-size 32 --out runs/mlm
  ssl eval --encoder runs/simclr/encoder --data mnist --labels-per-class 10
`;

function int(
  cmd: string,
  name: string,
  v: string | undefined,
  min: number,
  fallback?: number,
): number {
  if (v === undefined) {
    if (fallback === undefined) throw new UsageError(`ssl ${cmd}: --${name} is required`);
    return fallback;
  }
  const n = Number(v);
  if (v.trim() === '' || !Number.isInteger(n) || n < min) {
    throw new UsageError(`ssl ${cmd}: --${name} must be an integer >= ${min}, got '${v}'`);
  }
  return n;
}

function num(
  cmd: string,
  name: string,
  v: string | undefined,
  min: number,
  strict: boolean,
): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || (strict ? n <= min : n < min)) {
    throw new UsageError(
      `ssl ${cmd}: --${name} must be a number ${strict ? '>' : '>='} ${min}, got '${v}'`,
    );
  }
  return n;
}

function oneOf<T extends string>(
  cmd: string,
  name: string,
  v: string | undefined,
  allowed: readonly T[],
  fallback?: T,
): T {
  if (v === undefined) {
    if (fallback === undefined)
      throw new UsageError(`ssl ${cmd}: --${name} is required (${allowed.join(' | ')})`);
    return fallback;
  }
  if (!(allowed as readonly string[]).includes(v)) {
    throw new UsageError(`ssl ${cmd}: --${name} must be one of ${allowed.join(', ')}; got '${v}'`);
  }
  return v as T;
}

const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();

const PRETRAIN_OPTIONS = {
  method: { type: 'string' },
  data: { type: 'string' },
  epochs: { type: 'string' },
  'batch-size': { type: 'string' },
  limit: { type: 'string' },
  lr: { type: 'string' },
  optimizer: { type: 'string' },
  'warmup-epochs': { type: 'string' },
  seed: { type: 'string' },
  backend: { type: 'string' },
  out: { type: 'string' },
  resume: { type: 'boolean' },
  'checkpoint-every': { type: 'string' },
  'image-size': { type: 'string' },
  channels: { type: 'string' },
  'vocab-size': { type: 'string' },
  'max-length': { type: 'string' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const EVAL_OPTIONS = {
  encoder: { type: 'string' },
  data: { type: 'string' },
  'labels-per-class': { type: 'string' },
  k: { type: 'string' },
  limit: { type: 'string' },
  seed: { type: 'string' },
  backend: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type OptionSpec = NonNullable<NonNullable<Parameters<typeof parseNodeArgs>[0]>['options']>;

function parse<O extends OptionSpec>(cmd: string, args: string[], options: O) {
  try {
    return parseNodeArgs({ args, options, strict: true, allowPositionals: false }).values as Record<
      string,
      string | boolean | undefined
    >;
  } catch (e) {
    // node's messages are already one line; drop its hints about '--' and positionals
    const msg = (e as Error).message.split('\n')[0].split('. ')[0].replace(/\.$/, '');
    throw new UsageError(`ssl ${cmd}: ${msg} (see ssl ${cmd} --help)`);
  }
}

/**
 * Parses `ssl` arguments (without `node` and the script: `process.argv.slice(2)`).
 * Throws {@link UsageError} with one clear line for anything wrong, including
 * a `--data` folder or file that does not exist.
 */
export function parseCliArgs(argv: string[]): CliArgs {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help')
    return { command: 'help' };
  if (cmd === '--version' || cmd === '-v') return { command: 'version' };
  if (cmd === 'pretrain') {
    const v = parse(cmd, rest, PRETRAIN_OPTIONS);
    if (v.help) return { command: 'help', topic: 'pretrain' };
    const s = (k: string) => v[k] as string | undefined;
    const method = oneOf(cmd, 'method', s('method'), METHODS);
    const dataArg = s('data');
    if (dataArg === undefined)
      throw new UsageError(`ssl pretrain: --data is required (mnist or a folder)`);
    const data = dataArg
      .split(',')
      .map((d) => d.trim())
      .filter((d) => d !== '');
    if (data.length === 0) throw new UsageError(`ssl pretrain: --data is empty`);
    if (method === 'mlm') {
      for (const d of data) {
        if (!(CORPORA as readonly string[]).includes(d) && !existsSync(d)) {
          throw new UsageError(
            `ssl pretrain: --data '${d}' is neither a bundled corpus (${CORPORA.join(', ')}) nor an existing file or folder`,
          );
        }
      }
    } else {
      if (data.length !== 1)
        throw new UsageError(
          `ssl pretrain: --data takes one source for ${method}, got ${data.length}`,
        );
      if (data[0] !== 'mnist' && !isDir(data[0])) {
        throw new UsageError(
          `ssl pretrain: --data '${data[0]}' is neither 'mnist' nor an existing folder of images`,
        );
      }
    }
    const out = s('out');
    if (!out) throw new UsageError('ssl pretrain: --out DIR is required');
    const channels = oneOf(cmd, 'channels', s('channels'), ['1', '3'] as const, '3');
    return {
      command: 'pretrain',
      method,
      data,
      epochs: int(cmd, 'epochs', s('epochs'), 1),
      batchSize: int(cmd, 'batch-size', s('batch-size'), 1),
      limit: s('limit') === undefined ? undefined : int(cmd, 'limit', s('limit'), 1),
      lr: num(cmd, 'lr', s('lr'), 0, true),
      optimizer: oneOf(cmd, 'optimizer', s('optimizer'), OPTIMIZERS, 'adam'),
      warmupEpochs: num(cmd, 'warmup-epochs', s('warmup-epochs'), 0, false) ?? 0,
      seed: int(cmd, 'seed', s('seed'), 0, 0),
      backend: oneOf(cmd, 'backend', s('backend'), BACKENDS, 'auto'),
      out,
      resume: v.resume === true,
      checkpointEvery: int(cmd, 'checkpoint-every', s('checkpoint-every'), 1, 1),
      imageSize: int(cmd, 'image-size', s('image-size'), 8, 32),
      channels: Number(channels) as 1 | 3,
      vocabSize: int(cmd, 'vocab-size', s('vocab-size'), 16, 2000),
      maxLength: int(cmd, 'max-length', s('max-length'), 4, 64),
      quiet: v.quiet === true,
    };
  }
  if (cmd === 'eval') {
    const v = parse(cmd, rest, EVAL_OPTIONS);
    if (v.help) return { command: 'help', topic: 'eval' };
    const s = (k: string) => v[k] as string | undefined;
    const encoder = s('encoder');
    if (!encoder) throw new UsageError('ssl eval: --encoder DIR is required');
    if (!isDir(encoder))
      throw new UsageError(
        `ssl eval: --encoder '${encoder}' is not a folder (expected DIR/encoder with model.json)`,
      );
    return {
      command: 'eval',
      encoder,
      data: oneOf(cmd, 'data', s('data'), ['mnist'] as const, 'mnist'),
      labelsPerClass: int(cmd, 'labels-per-class', s('labels-per-class'), 1, 10),
      k: int(cmd, 'k', s('k'), 1, 1),
      limit: s('limit') === undefined ? undefined : int(cmd, 'limit', s('limit'), 1),
      seed: int(cmd, 'seed', s('seed'), 0, 0),
      backend: oneOf(cmd, 'backend', s('backend'), BACKENDS, 'auto'),
    };
  }
  throw new UsageError(`ssl: unknown command '${cmd}'; expected pretrain or eval (see ssl --help)`);
}

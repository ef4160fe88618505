import { existsSync, statSync } from 'node:fs';
import { formatFlags, parseCommandLine, UsageError, type FlagSpec } from './command-line';
import { METHOD_NAMES, methodEntry, kebab, parseMethodOptions } from '../methods/registry';
import { methodHelp } from './method-help';
import { defaultImageEncoder } from './image-encoder';
import { resumeArgv } from './run-config';
import {
  CLASSIFY_FLAGS,
  EMBED_FLAGS,
  EVAL_FLAGS,
  PREDICT_FLAGS,
  parseClassifyArgs,
  parseEmbedArgs,
  parseEvalArgs,
  parsePredictArgs,
  type ClassifyArgs,
  type EmbedArgs,
  type EvalArgs,
  type PredictArgs,
} from './image-args';

export { EVAL_FLAGS, type EvalArgs, type EmbedArgs, type ClassifyArgs, type PredictArgs };

export { UsageError };

export const METHODS = METHOD_NAMES; // from the method registry
export type MethodName = (typeof METHODS)[number];
export const BACKENDS = ['auto', 'wasm', 'cpu', 'tensorflow'] as const;
export type CliBackend = (typeof BACKENDS)[number];
export const OPTIMIZERS = ['adam', 'sgd', 'lars'] as const;
export const ENCODERS = ['conv', 'resnet18', 'resnet34', 'vit'] as const;
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
  /** Threads sharing each step: 'auto' (the available cores) or a number. */
  workers: number | 'auto';
  out: string;
  resume: boolean;
  /** Replace an earlier run in `out` (its checkpoint and metrics). */
  overwrite: boolean;
  optimizer: (typeof OPTIMIZERS)[number];
  warmupEpochs: number;
  checkpointEvery: number;
  /** Checkpoints inside epochs every N steps. */
  checkpointEverySteps?: number;
  /** Side of folder images; undefined: the folder's first image's (resolved in run-pretrain). */
  imageSize?: number;
  /** Channels of folder images; undefined: the folder's first image's (1 when gray). */
  channels?: 1 | 3;
  /** The encoder architecture. */
  encoder: (typeof ENCODERS)[number];
  /** Width multiplier of the encoder's channels. */
  width: number;
  vocabSize: number;
  maxLength: number;
  quiet: boolean;
  /** The method's own options (`--temperature 0.2`, ...), typed by the method registry. */
  methodOptions: Record<string, number | boolean>;
}

/** The commands whose flags and help are in this file and image-args.ts. */
export type Topic = 'pretrain' | 'eval' | 'embed' | 'classify' | 'predict';

export type CliArgs =
  | PretrainArgs
  | EvalArgs
  | EmbedArgs
  | ClassifyArgs
  | PredictArgs
  | { command: 'help'; topic?: Topic }
  | { command: 'version' };

/** Epochs, steps and sizes beyond these are typing mistakes, not runs. */
export const LIMITS = {
  epochs: 100_000,
  batchSize: 65_536,
  limit: 1_000_000_000,
  imageSize: 1024,
  vocabSize: 100_000,
  maxLength: 4096,
  labelsPerClass: 100_000,
} as const;

/**
 * The smallest batch each method can train on: the contrastive and
 * batch-statistics losses compare the examples of a batch with each other.
 */
export const MIN_BATCH_SIZE: Partial<Record<MethodName, number>> = {
  simclr: 2,
  moco: 2,
  barlow: 2,
  vicreg: 2,
  nnclr: 2,
};

const SEED = { type: 'int', min: 0, max: 2 ** 32 - 1, default: 0 } as const;
const BACKEND = {
  type: 'string',
  choices: BACKENDS,
  default: 'auto',
  value: 'B',
  help: 'tfjs backend',
} as const;
const HELP_FLAG = { type: 'boolean', short: 'h', help: 'this help' } as const;

/** The flags of `ssl pretrain`: the parser and the help both read this. */
export const PRETRAIN_FLAGS = {
  method: {
    type: 'string',
    choices: METHODS,
    required: true,
    value: 'M',
    help: 'pretraining method (see Methods)',
  },
  data: {
    type: 'string',
    required: true,
    value: 'D',
    help: "images: 'mnist' or a folder of PNG/JPEG (subfolders = classes); mlm: sotu | moby-dick | spam-assassin | text files or folders, comma-separated",
  },
  epochs: { type: 'int', min: 1, max: LIMITS.epochs, required: true, help: 'epochs to train' },
  'batch-size': {
    type: 'int',
    min: 1,
    max: LIMITS.batchSize,
    required: true,
    help: 'examples per step (>= 2 for simclr, moco, barlow, vicreg)',
  },
  out: {
    type: 'string',
    required: true,
    value: 'DIR',
    help: 'run folder: DIR/encoder/, DIR/metrics.jsonl, DIR/checkpoint/ (DIR/tokenizer.json for mlm)',
  },
  limit: {
    type: 'int',
    min: 1,
    max: LIMITS.limit,
    help: 'use a fixed subset of N examples (mnist: the first N; a folder: N files drawn once with --seed)',
  },
  lr: {
    type: 'number',
    min: 0,
    exclusiveMin: true,
    max: 1e6,
    value: 'X',
    help: 'peak learning rate (default 1e-3 adam, 0.05 sgd, 0.3 lars)',
  },
  optimizer: {
    type: 'string',
    choices: OPTIMIZERS,
    default: 'adam',
    value: 'O',
    help: 'optimizer',
  },
  'warmup-epochs': {
    type: 'number',
    min: 0,
    max: LIMITS.epochs,
    default: 0,
    help: 'linear warmup before the cosine decay (can be fractional)',
  },
  seed: { ...SEED, help: 'seed of weights, batch order and augmentations' },
  backend: BACKEND,
  workers: {
    type: 'string',
    default: 'auto',
    value: 'N',
    help: "threads sharing each step (wasm, cpu): a number or 'auto' (the available cores)",
  },
  resume: {
    type: 'boolean',
    help: 'continue from DIR/checkpoint with the settings of DIR/run.json (a changed one is refused)',
  },
  overwrite: {
    type: 'boolean',
    help: 'start afresh in a DIR that holds an earlier run (its checkpoint and metrics are replaced)',
  },
  'checkpoint-every': {
    type: 'int',
    min: 1,
    max: LIMITS.epochs,
    default: 1,
    help: 'epochs between checkpoints (always after the last)',
  },
  'checkpoint-every-steps': {
    type: 'int',
    min: 1,
    max: 1_000_000_000,
    value: 'N',
    help: 'also checkpoint every N steps, inside epochs (one worker; Ctrl-C always checkpoints the step it finishes)',
  },
  'image-size': {
    type: 'int',
    min: 8,
    max: LIMITS.imageSize,
    help: "side of images read from a folder (default: the folder's first image's height)",
  },
  channels: {
    type: 'string',
    choices: ['1', '3'],
    value: 'C',
    help: "channels of images read from a folder (default: the first image's; 1 when it is gray)",
  },
  encoder: {
    type: 'string',
    choices: ENCODERS,
    value: 'E',
    help: 'images: the encoder (default vit for mae, else conv; conv: 3 conv layers, fast; resnet18/34: slow on CPU and wasm; vit: a small Vision Transformer)',
  },
  width: {
    type: 'number',
    min: 0,
    exclusiveMin: true,
    max: 16,
    default: 1,
    value: 'X',
    help: 'width multiplier of the encoder (conv: 32,64,128 channels x X; resnet: 64..512 x X)',
  },
  'vocab-size': {
    type: 'int',
    min: 16,
    max: LIMITS.vocabSize,
    default: 2000,
    help: 'mlm: WordPiece vocabulary size',
  },
  'max-length': {
    type: 'int',
    min: 4,
    max: LIMITS.maxLength,
    default: 64,
    help: 'mlm: tokens per sequence',
  },
  quiet: { type: 'boolean', help: 'no progress bar' },
  import: {
    type: 'string',
    value: 'FILE',
    help: 'a module to load first (repeatable): a method it registers with registerMethod is a valid --method',
  },
  help: HELP_FLAG,
} as const;

export { methodHelp };

/**
 * Splits the flags of the chosen method's own options (from the registry:
 * `--temperature 0.2`, `--queue-size=1024`) off `argv`, so the strict parser
 * sees only the command's flags. Returns the rest and the raw option values.
 */
function splitMethodFlags(argv: string[]): {
  rest: string[];
  raw: Record<string, string | boolean>;
} {
  const at = argv.findIndex((a) => a === '--method' || a.startsWith('--method='));
  const name = at < 0 ? undefined : argv[at].includes('=') ? argv[at].slice(9) : argv[at + 1];
  const raw: Record<string, string | boolean> = {};
  if (!name || !(METHOD_NAMES as readonly string[]).includes(name)) return { rest: argv, raw };
  const own = new Set(Object.keys(PRETRAIN_FLAGS));
  const options = new Map(
    methodEntry(name)
      .options.filter((o) => !own.has(kebab(o.name)))
      .map((o) => [kebab(o.name), o]),
  );
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z0-9-]+)(?:=(.*))?$/.exec(argv[i]);
    const spec = m ? options.get(m[1]) : undefined;
    if (!m || !spec) {
      rest.push(argv[i]);
      continue;
    }
    if (m[1] in raw) throw new UsageError(`ssl pretrain: --${m[1]} is given twice; give it once`);
    if (m[2] !== undefined) raw[m[1]] = m[2];
    else if (spec.type === 'boolean' && !/^(true|false|0|1)$/.test(argv[i + 1] ?? ''))
      raw[m[1]] = true;
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) raw[m[1]] = argv[++i];
    else throw new UsageError(`ssl pretrain: --${m[1]} needs a value`);
  }
  return { rest, raw };
}

const USAGE: Record<Topic, string> = {
  pretrain: 'ssl pretrain --method <m> --data <d> --epochs N --batch-size N --out DIR [options]',
  eval: 'ssl eval --encoder DIR/encoder --data <mnist|folder|IDX> [--test <d>] [--labels-per-class N] [options]',
  embed:
    'ssl embed --encoder DIR/encoder --data <mnist|folder|IDX> --out FILE.csv|.jsonl|.npy [--map FILE.svg]',
  classify:
    'ssl classify --encoder DIR/encoder --labelled <folder> [--unlabelled <folder>] [--method probe|knn|finetune|fixmatch] --out DIR',
  predict: 'ssl predict --classifier DIR --data <folder|files> --out preds.csv',
};

const FLAGS: Record<Topic, FlagSpec> = {
  pretrain: PRETRAIN_FLAGS,
  eval: EVAL_FLAGS,
  embed: EMBED_FLAGS,
  classify: CLASSIFY_FLAGS,
  predict: PREDICT_FLAGS,
};

const EXAMPLES: Record<Topic, string[]> = {
  pretrain: [
    'ssl pretrain --method simclr --data mnist --epochs 5 --batch-size 128 --out runs/simclr',
    'ssl pretrain --method byol --data ./photos --image-size 64 --epochs 10 --batch-size 64 --out runs/byol --resume',
    'ssl pretrain --method mlm --data moby-dick --epochs 2 --batch-size 32 --out runs/mlm',
  ],
  eval: [
    'ssl eval --encoder runs/simclr/encoder --data mnist --labels-per-class 10',
    'ssl eval --encoder runs/byol/encoder --data ./photos/train --test ./photos/test --labels-per-class 10',
  ],
  embed: [
    'ssl embed --encoder runs/byol/encoder --data ./photos --out runs/byol/embeddings.csv --map runs/byol/map.svg',
  ],
  classify: [
    'ssl classify --encoder runs/byol/encoder --labelled ./photos/train --labels-per-class 10 --out runs/byol/classifier',
    'ssl classify --encoder runs/byol/encoder --labelled ./few --unlabelled ./photos --method fixmatch --steps 500 --out runs/byol/fixmatch',
  ],
  predict: ['ssl predict --classifier runs/byol/classifier --data ./new-photos --out preds.csv'],
};

/** The help of one command, or (no topic) of the whole program. One function, so each reads the flag specs. */
export function helpText(topic?: Topic): string {
  const section = (cmd: Topic) =>
    [
      `Usage: ${USAGE[cmd]}`,
      '',
      'Options:',
      formatFlags(FLAGS[cmd]),
      ...(cmd === 'pretrain' ? ['', methodHelp()] : []),
      '',
      'Examples:',
      ...EXAMPLES[cmd].map((e) => `  ${e}`),
    ].join('\n');
  if (topic) return `ssl ${topic}\n\n${section(topic)}\n`;
  const topics = Object.keys(USAGE) as Topic[];
  return [
    'ssl — self-supervised pretraining for TensorFlow.js',
    '',
    'Commands:',
    ...COMMANDS.map(([c, what]) => `  ${c.padEnd(10)}${what}`),
    '',
    'Usage:',
    ...topics.map((t) => `  ${USAGE[t]}`),
    '  ssl --help | ssl <command> --help | ssl --version',
    '',
    ...topics.flatMap((t) => [
      `ssl ${t}`,
      formatFlags(FLAGS[t]),
      ...(t === 'pretrain' ? ['', methodHelp()] : []),
      '',
    ]),
    'Examples:',
    ...topics.flatMap((t) => EXAMPLES[t]).map((e) => `  ${e}`),
    '',
  ].join('\n');
}

/** Every command of `ssl`, with one line each (the top of `ssl --help`). */
export const COMMANDS: [string, string][] = [
  [
    'pretrain',
    'pretrain an encoder on unlabelled images or text (run folder: encoder, checkpoints, run.json)',
  ],
  ['eval', 'kNN and linear-probe accuracy of an encoder with few labels (JSON report)'],
  ['embed', 'write the embeddings of images (.csv/.jsonl/.npy), and a 2-D map (.svg)'],
  [
    'classify',
    'fit a classifier on few labelled images (probe, knn, finetune, fixmatch) and save it',
  ],
  ['predict', 'label images with a saved classifier (CSV: file, label, probability)'],
  ['export', 'write an encoder or classifier as safetensors (PyTorch) or ONNX'],
  ['import', 'read safetensors weights back into a tfjs model'],
];

/** The top-level help. */
export const HELP = helpText();

const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();

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
    if (rest.includes('--help') || rest.includes('-h'))
      return { command: 'help', topic: 'pretrain' };
    const split = splitMethodFlags(resumeArgv(rest));
    const v = parseCommandLine('ssl pretrain', split.rest, PRETRAIN_FLAGS);
    const method = v.method;
    let methodOptions: Record<string, number | boolean>;
    try {
      methodOptions = parseMethodOptions(method, split.raw);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const data = v.data
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
    const minBatch = MIN_BATCH_SIZE[method] ?? 1;
    if (v['batch-size'] < minBatch) {
      throw new UsageError(
        `ssl pretrain: --batch-size must be >= ${minBatch} for ${method} (its loss compares the examples of a batch), got ${v['batch-size']}`,
      );
    }
    if (v.resume && v.overwrite) {
      throw new UsageError('ssl pretrain: --resume and --overwrite exclude each other');
    }
    const workers = v.workers === 'auto' ? 'auto' : Number(v.workers);
    if (workers !== 'auto' && !(Number.isInteger(workers) && workers >= 1 && workers <= 256)) {
      throw new UsageError(
        `ssl pretrain: --workers must be 'auto' or an integer in [1, 256], got '${v.workers}'`,
      );
    }
    return {
      command: 'pretrain',
      method,
      data,
      epochs: v.epochs,
      batchSize: v['batch-size'],
      limit: v.limit,
      lr: v.lr,
      optimizer: v.optimizer,
      warmupEpochs: v['warmup-epochs'],
      seed: v.seed,
      backend: v.backend,
      workers,
      out: v.out,
      resume: v.resume,
      overwrite: v.overwrite,
      checkpointEvery: v['checkpoint-every'],
      checkpointEverySteps: v['checkpoint-every-steps'],
      imageSize: v['image-size'],
      channels: v.channels === undefined ? undefined : (Number(v.channels) as 1 | 3),
      encoder: (v.encoder ?? defaultImageEncoder(method)) as PretrainArgs['encoder'],
      width: v.width,
      vocabSize: v['vocab-size'],
      maxLength: v['max-length'],
      quiet: v.quiet,
      methodOptions,
    };
  }
  if (cmd === 'eval' || cmd === 'embed' || cmd === 'classify' || cmd === 'predict') {
    if (rest.includes('--help') || rest.includes('-h')) return { command: 'help', topic: cmd };
    if (cmd === 'eval') return parseEvalArgs(rest);
    if (cmd === 'embed') return parseEmbedArgs(rest);
    return cmd === 'classify' ? parseClassifyArgs(rest) : parsePredictArgs(rest);
  }
  throw new UsageError(
    `ssl: unknown command '${cmd}'; expected ${COMMANDS.map(([c]) => c).join(', ')} (see ssl --help)`,
  );
}

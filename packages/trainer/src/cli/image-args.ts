// Arguments of the commands that use a trained encoder on images: ssl eval,
// embed, classify and predict (their flags, help and parsing).
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { parseCommandLine, UsageError, type FlagSpec } from './command-line';

const SEED = { type: 'int', min: 0, max: 2 ** 32 - 1, default: 0 } as const;
const BACKEND = {
  type: 'string',
  choices: ['auto', 'wasm', 'cpu', 'tensorflow'],
  default: 'auto',
  value: 'B',
  help: 'tfjs backend',
} as const;
const HELP_FLAG = { type: 'boolean', short: 'h', help: 'this help' } as const;
const ENCODER = {
  type: 'string',
  required: true,
  value: 'DIR',
  help: 'a saved encoder folder (model.json + weights.bin), e.g. runs/simclr/encoder',
} as const;
const SOURCES =
  "'mnist', a folder of PNG/JPEG (class subfolders = labels), or an IDX images file (,labels file)";

/** `ssl eval`: kNN and linear-probe accuracy with few labels. */
export const EVAL_FLAGS = {
  encoder: ENCODER,
  data: { type: 'string', default: 'mnist', value: 'D', help: `labelled images: ${SOURCES}` },
  test: {
    type: 'string',
    value: 'D',
    help: 'images scored (same kinds as --data); default: mnist its test split, else the --data images not drawn as labels',
  },
  'labels-per-class': {
    type: 'int',
    min: 1,
    max: 100_000,
    default: 10,
    help: 'labelled examples per class, drawn from --data (seeded, stratified)',
  },
  k: { type: 'int', min: 1, max: 1000, default: 1, help: 'neighbours of the kNN classifier' },
  limit: { type: 'int', min: 1, max: 1_000_000_000, help: 'score at most N test images' },
  report: {
    type: 'string',
    value: 'FILE',
    help: 'the JSON report (default: eval.json beside the encoder folder)',
  },
  seed: { ...SEED, help: 'seed of the labelled subset and the probe' },
  backend: BACKEND,
  help: HELP_FLAG,
} as const satisfies FlagSpec;

/** `ssl embed`: the encoder's features of every image, to a file. */
export const EMBED_FLAGS = {
  encoder: ENCODER,
  data: { type: 'string', required: true, value: 'D', help: `images: ${SOURCES}` },
  out: {
    type: 'string',
    required: true,
    value: 'FILE',
    help: '.csv (file,label,f0,f1,...), .jsonl ({file,label,embedding} a line) or .npy (float32 [N, D]; names in FILE.jsonl beside it)',
  },
  map: {
    type: 'string',
    value: 'FILE.svg',
    help: 'also draw a 2-D map: the first two principal components (PCA), one colour a class',
  },
  limit: { type: 'int', min: 1, max: 1_000_000_000, help: 'a fixed subset of N images (seeded)' },
  seed: { ...SEED, help: 'seed of the --limit subset' },
  backend: BACKEND,
  help: HELP_FLAG,
} as const satisfies FlagSpec;

export interface EvalArgs {
  command: 'eval';
  encoder: string;
  data: string;
  test?: string;
  labelsPerClass: number;
  k: number;
  limit?: number;
  report: string;
  seed: number;
  backend: 'auto' | 'wasm' | 'cpu' | 'tensorflow';
}

export interface EmbedArgs {
  command: 'embed';
  encoder: string;
  data: string;
  out: string;
  format: 'csv' | 'jsonl' | 'npy';
  map?: string;
  limit?: number;
  seed: number;
  backend: 'auto' | 'wasm' | 'cpu' | 'tensorflow';
}

const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();

/** Refuses an encoder folder without model.json, naming the flag. */
export function checkModelFolder(cmd: string, flag: string, dir: string, what: string): string {
  if (!isDir(dir) || !existsSync(path.join(dir, 'model.json'))) {
    throw new UsageError(
      `${cmd}: ${flag} '${dir}' is not ${what} folder (model.json + weights.bin${flag === '--encoder' ? ', e.g. DIR/encoder from ssl pretrain' : ''})`,
    );
  }
  return dir;
}

/** Refuses a source that is neither 'mnist' nor an existing folder/file list. */
export function checkSource(cmd: string, flag: string, source: string): string {
  if (source === 'mnist') return source;
  for (const part of source.split(',')) {
    if (!existsSync(part.trim())) {
      throw new UsageError(
        `${cmd}: ${flag} '${part.trim()}' is neither 'mnist' nor an existing folder or file`,
      );
    }
  }
  return source;
}

export function parseEvalArgs(rest: string[]): EvalArgs {
  const cmd = 'ssl eval';
  const v = parseCommandLine(cmd, rest, EVAL_FLAGS);
  const encoder = checkModelFolder(cmd, '--encoder', v.encoder, 'an encoder');
  return {
    command: 'eval',
    encoder,
    data: checkSource(cmd, '--data', v.data),
    test: v.test === undefined ? undefined : checkSource(cmd, '--test', v.test),
    labelsPerClass: v['labels-per-class'],
    k: v.k,
    limit: v.limit,
    report: v.report ?? path.join(path.dirname(path.resolve(encoder)), 'eval.json'),
    seed: v.seed,
    backend: v.backend,
  };
}

export function parseEmbedArgs(rest: string[]): EmbedArgs {
  const cmd = 'ssl embed';
  const v = parseCommandLine(cmd, rest, EMBED_FLAGS);
  const ext = path.extname(v.out).toLowerCase().slice(1);
  if (ext !== 'csv' && ext !== 'jsonl' && ext !== 'npy') {
    throw new UsageError(`${cmd}: --out must end in .csv, .jsonl or .npy, got '${v.out}'`);
  }
  if (v.map !== undefined && path.extname(v.map).toLowerCase() !== '.svg') {
    throw new UsageError(
      `${cmd}: --map must end in .svg (the only picture format written), got '${v.map}'`,
    );
  }
  return {
    command: 'embed',
    encoder: checkModelFolder(cmd, '--encoder', v.encoder, 'an encoder'),
    data: checkSource(cmd, '--data', v.data),
    out: v.out,
    format: ext,
    map: v.map,
    limit: v.limit,
    seed: v.seed,
    backend: v.backend,
  };
}

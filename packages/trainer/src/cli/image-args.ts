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

export const CLASSIFY_METHODS = ['probe', 'knn', 'finetune', 'fixmatch'] as const;

/** `ssl classify`: fit a classifier on few labelled images and save it. */
export const CLASSIFY_FLAGS = {
  encoder: ENCODER,
  labelled: {
    type: 'string',
    required: true,
    value: 'D',
    help: 'labelled images: a folder with class subfolders (or mnist, or IDX images,labels)',
  },
  unlabelled: {
    type: 'string',
    value: 'D',
    help: 'unlabelled images (a folder, mnist or IDX): fixmatch learns from them; probe standardises features with them',
  },
  method: {
    type: 'string',
    choices: CLASSIFY_METHODS,
    default: 'probe',
    value: 'M',
    help: 'probe: linear head on frozen features; knn: nearest labelled neighbours; finetune: encoder + head trained; fixmatch: finetune with pseudo-labels on --unlabelled',
  },
  'labels-per-class': {
    type: 'int',
    min: 1,
    max: 100_000,
    help: 'use only N labelled images per class (seeded, stratified; default: all of --labelled)',
  },
  test: { type: 'string', value: 'D', help: 'labelled images to score the classifier on' },
  epochs: {
    type: 'int',
    min: 1,
    max: 100_000,
    help: 'probe: epochs (default 100); finetune: epochs (default 50)',
  },
  steps: { type: 'int', min: 1, max: 10_000_000, default: 300, help: 'fixmatch: optimizer steps' },
  k: { type: 'int', min: 1, max: 1000, default: 5, help: 'knn: neighbours' },
  out: {
    type: 'string',
    required: true,
    value: 'DIR',
    help: 'the classifier folder (model.json + weights.bin; ssl predict --classifier DIR)',
  },
  force: { type: 'boolean', help: 'replace DIR if it holds a model' },
  seed: { ...SEED, help: 'seed of the label draw, the head and the augmentations' },
  backend: BACKEND,
  help: HELP_FLAG,
} as const satisfies FlagSpec;

/** `ssl predict`: label images with a saved classifier. */
export const PREDICT_FLAGS = {
  classifier: {
    type: 'string',
    required: true,
    value: 'DIR',
    help: 'a classifier folder from ssl classify',
  },
  data: {
    type: 'string',
    required: true,
    value: 'D',
    help: "images: a folder, image files (comma-separated), 'mnist' or an IDX file",
  },
  out: {
    type: 'string',
    required: true,
    value: 'FILE.csv',
    help: 'predictions: file,label,probability (one row an image)',
  },
  'batch-size': { type: 'int', min: 1, max: 65_536, default: 256, help: 'images a forward pass' },
  backend: BACKEND,
  help: HELP_FLAG,
} as const satisfies FlagSpec;

export interface ClassifyArgs {
  command: 'classify';
  encoder: string;
  labelled: string;
  unlabelled?: string;
  method: (typeof CLASSIFY_METHODS)[number];
  labelsPerClass?: number;
  test?: string;
  epochs?: number;
  steps: number;
  k: number;
  out: string;
  force: boolean;
  seed: number;
  backend: 'auto' | 'wasm' | 'cpu' | 'tensorflow';
}

export interface PredictArgs {
  command: 'predict';
  classifier: string;
  data: string;
  out: string;
  batchSize: number;
  backend: 'auto' | 'wasm' | 'cpu' | 'tensorflow';
}

export function parseClassifyArgs(rest: string[]): ClassifyArgs {
  const cmd = 'ssl classify';
  const v = parseCommandLine(cmd, rest, CLASSIFY_FLAGS);
  if (v.method === 'fixmatch' && v.unlabelled === undefined) {
    throw new UsageError(
      `${cmd}: --method fixmatch needs --unlabelled <folder> (the images it pseudo-labels)`,
    );
  }
  if (existsSync(v.out) && !isDir(v.out)) {
    throw new UsageError(`${cmd}: --out '${v.out}' is a file, not a folder`);
  }
  if (existsSync(path.join(v.out, 'model.json')) && !v.force) {
    throw new UsageError(
      `${cmd}: --out '${v.out}' already holds a model; pass --force to replace it`,
    );
  }
  return {
    command: 'classify',
    encoder: checkModelFolder(cmd, '--encoder', v.encoder, 'an encoder'),
    labelled: checkSource(cmd, '--labelled', v.labelled),
    unlabelled:
      v.unlabelled === undefined ? undefined : checkSource(cmd, '--unlabelled', v.unlabelled),
    method: v.method,
    labelsPerClass: v['labels-per-class'],
    test: v.test === undefined ? undefined : checkSource(cmd, '--test', v.test),
    epochs: v.epochs,
    steps: v.steps,
    k: v.k,
    out: v.out,
    force: v.force,
    seed: v.seed,
    backend: v.backend,
  };
}

export function parsePredictArgs(rest: string[]): PredictArgs {
  const cmd = 'ssl predict';
  const v = parseCommandLine(cmd, rest, PREDICT_FLAGS);
  if (path.extname(v.out).toLowerCase() !== '.csv') {
    throw new UsageError(`${cmd}: --out must end in .csv, got '${v.out}'`);
  }
  return {
    command: 'predict',
    classifier: checkModelFolder(cmd, '--classifier', v.classifier, 'a classifier'),
    data: checkSource(cmd, '--data', v.data),
    out: v.out,
    batchSize: v['batch-size'],
    backend: v.backend,
  };
}

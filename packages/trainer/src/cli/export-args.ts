// Arguments of `ssl export` and `ssl import`, kept apart from args.ts so that
// the CLI's argument parsing can move to one library without touching them.
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { parseCommandLine, UsageError, type FlagSpec } from './command-line';

/** `ssl export` settings. */
export interface ExportArgs {
  command: 'export';
  /** Encoder folder (model.json + weights.bin); absent when a classifier is exported. */
  encoder?: string;
  /** A classifier folder from `ssl classify` (ONNX only). */
  classifier?: string;
  /** Optional head folders, exported as `projection_head` / `prediction_head`. */
  projectionHead?: string;
  predictionHead?: string;
  format: 'safetensors' | 'onnx';
  out: string;
  /**
   * Also write the images beside `out` as safetensors (uint8 NHWC), for
   * pretrain_ddp.py: 'mnist' (its train split, `mnist.safetensors`), a folder or
   * an IDX file (`data.safetensors`, at the encoder's image size).
   */
  data?: string;
  limit?: number;
  force: boolean;
}

/** `ssl import` settings. */
export interface ImportArgs {
  command: 'import';
  from: string;
  out: string;
  model: string;
  force: boolean;
}

/** The lines `ssl --help` adds for these commands. */
export const EXPORT_SUMMARY = `Export and import (see ssl export --help):
  ssl export --encoder DIR --out FILE.safetensors [--data D]    tfjs -> safetensors, PyTorch layouts
  ssl export --encoder DIR --out FILE.onnx                      tfjs -> ONNX (opset 13; NHWC input)
  ssl export --classifier DIR --out FILE.onnx                   a classifier from ssl classify -> ONNX
  ssl import --from FILE.safetensors --out DIR                  safetensors -> tfjs Layers model
`;

export const EXPORT_HELP = `ssl export — write an encoder (and heads) as safetensors with PyTorch names and layouts,
or an encoder or classifier as ONNX

Usage:
  ssl export --encoder DIR --out FILE.safetensors [options]
  ssl export --encoder DIR --out FILE.onnx
  ssl export --classifier DIR --out FILE.onnx
  ssl import --from FILE.safetensors --out DIR [--model encoder] [--force]

ssl export
  --encoder DIR          an encoder folder (model.json + weights.bin), e.g. runs/simclr/encoder;
                         a tokenizer.json in DIR or its parent is copied beside FILE (safetensors)
  --classifier DIR       a classifier folder from ssl classify (ONNX only; probe, finetune, fixmatch;
                         knn classifiers have no ONNX form)
  --projection-head DIR  a projection-head folder, exported as projection_head (safetensors, optional)
  --prediction-head DIR  a prediction-head folder, exported as prediction_head (safetensors, optional)
  --format F             safetensors | onnx (default: from FILE's extension, else safetensors)
  --out FILE             safetensors: FILE.safetensors, and FILE.json beside it gets the architecture
                         config; onnx: FILE.onnx, one file (input 'input' [N,H,W,C] float32 in the
                         model's pixel range, [0, 1]; output 'output'; class names in its metadata)
  --data D               safetensors: also write the images beside FILE (uint8 NHWC) for
                         pretrain_ddp.py: mnist (mnist.safetensors, train split), an image folder or
                         an IDX file (data.safetensors, at the encoder's image size)
  --limit N              with --data: only the first N images (mnist, IDX) / N drawn once (a folder)
  --force                replace existing files

ssl import
  --from FILE            a safetensors file from ssl export or ssl_torch (python/ssl_torch)
  --out DIR              the tfjs Layers model folder to write (model.json + weights.bin)
  --model NAME           which model of the file: encoder (default), projection_head, prediction_head
  --force                replace DIR if it exists

Examples:
  ssl export --encoder runs/simclr/encoder --out runs/torch/encoder.safetensors --data mnist
  python3 python/ssl_torch/pretrain_ddp.py --init runs/torch/encoder.safetensors \\
      --data runs/torch/mnist.safetensors --out runs/torch/trained.safetensors --nproc 2 --steps 200
  ssl import --from runs/torch/trained.safetensors --out runs/torch/encoder
  ssl export --classifier runs/simclr/classifier --out runs/simclr/classifier.onnx
`;

/** The flags of `ssl export` (read by the one command-line parser, `command-line.ts`). */
const EXPORT_FLAGS = {
  encoder: { type: 'string', value: 'DIR', help: 'an encoder folder (model.json + weights.bin)' },
  classifier: { type: 'string', value: 'DIR', help: 'a classifier folder (ONNX)' },
  'projection-head': { type: 'string', value: 'DIR', help: 'a projection-head folder' },
  'prediction-head': { type: 'string', value: 'DIR', help: 'a prediction-head folder' },
  format: { type: 'string', value: 'F', help: 'safetensors | onnx' },
  out: { type: 'string', required: true, value: 'FILE', help: 'the weights file' },
  data: { type: 'string', value: 'D', help: 'also write the images: mnist, a folder or IDX' },
  limit: { type: 'int', min: 1, max: 1_000_000_000, help: 'with --data: the first N images' },
  force: { type: 'boolean', help: 'replace existing files' },
  help: { type: 'boolean', short: 'h', help: 'this help' },
} as const satisfies FlagSpec;

/** The flags of `ssl import`. */
const IMPORT_FLAGS = {
  from: { type: 'string', value: 'FILE', help: 'a safetensors file from ssl export or ssl_torch' },
  out: { type: 'string', required: true, value: 'DIR', help: 'the tfjs Layers model folder' },
  model: { type: 'string', value: 'NAME', help: 'encoder (default), projection_head, ...' },
  force: { type: 'boolean', help: 'replace DIR if it exists' },
  help: { type: 'boolean', short: 'h', help: 'this help' },
} as const satisfies FlagSpec;

/** Whether `ssl <cmd>` is one of the commands parsed here. */
export function isExportCommand(cmd: string | undefined): cmd is 'export' | 'import' {
  return cmd === 'export' || cmd === 'import';
}

const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();

/**
 * Parses `ssl export ...` / `ssl import ...` (argv without node and the
 * script); `'help'` for `--help`. Throws {@link UsageError} with one line.
 */
export function parseExportArgs(argv: string[]): ExportArgs | ImportArgs | 'help' {
  const [cmd, ...rest] = argv;
  if (!isExportCommand(cmd)) throw new UsageError(`ssl: '${cmd}' is not export or import`);
  if (rest.includes('--help') || rest.includes('-h')) return 'help';
  const v: Record<string, string | number | boolean | undefined> =
    cmd === 'export'
      ? parseCommandLine('ssl export', rest, EXPORT_FLAGS)
      : parseCommandLine('ssl import', rest, IMPORT_FLAGS);
  const s = (k: string) => v[k] as string | undefined;
  const out = s('out')!;
  if (cmd === 'export') {
    const folder = (name: string, required: boolean) => {
      const p = s(name);
      if (p === undefined) {
        if (required) throw new UsageError(`ssl export: --${name} DIR is required`);
        return undefined;
      }
      if (!isDir(p) || !existsSync(`${p}/model.json`)) {
        throw new UsageError(
          `ssl export: --${name} '${p}' is not a model folder (model.json + weights.bin)`,
        );
      }
      return p;
    };
    const encoder = folder('encoder', false);
    const classifier = folder('classifier', false);
    if ((encoder === undefined) === (classifier === undefined)) {
      throw new UsageError('ssl export: give one of --encoder DIR or --classifier DIR');
    }
    const ext = path.extname(out).toLowerCase();
    const format = s('format') ?? (ext === '.onnx' ? 'onnx' : 'safetensors');
    if (format !== 'safetensors' && format !== 'onnx') {
      throw new UsageError(`ssl export: --format must be safetensors or onnx, got '${format}'`);
    }
    const want = `.${format}`;
    if (ext !== want) {
      throw new UsageError(
        `ssl export: --out must end in ${want} for --format ${format}, got '${out}'` +
          (format === 'safetensors' ? ' (the config is written beside it as FILE.json)' : ''),
      );
    }
    if (classifier !== undefined && format !== 'onnx') {
      throw new UsageError('ssl export: --classifier exports to ONNX only; pass --out FILE.onnx');
    }
    if (format === 'onnx') {
      for (const f of ['projection-head', 'prediction-head', 'data'] as const) {
        if (s(f) !== undefined) {
          throw new UsageError(
            `ssl export: --${f} is for safetensors exports; drop it with --format onnx`,
          );
        }
      }
    }
    const data = s('data');
    if (data !== undefined && data !== 'mnist' && !existsSync(data)) {
      throw new UsageError(
        `ssl export: --data '${data}' is neither 'mnist' nor an existing folder or IDX file`,
      );
    }
    const limit = v.limit as number | undefined;
    if (limit !== undefined && data === undefined) {
      throw new UsageError('ssl export: --limit needs --data');
    }
    return {
      command: 'export',
      encoder,
      classifier,
      projectionHead: folder('projection-head', false),
      predictionHead: folder('prediction-head', false),
      format,
      out,
      data,
      limit,
      force: v.force === true,
    };
  }
  const from = s('from');
  if (!from) throw new UsageError('ssl import: --from FILE is required');
  if (!existsSync(from) || isDir(from)) {
    throw new UsageError(`ssl import: --from '${from}' is not a file`);
  }
  const model = s('model') ?? 'encoder';
  if (!/^[a-z][a-z0-9_]*$/.test(model)) {
    throw new UsageError(
      `ssl import: --model must be a role like encoder or projection_head, got '${model}'`,
    );
  }
  return { command: 'import', from, out, model, force: v.force === true };
}

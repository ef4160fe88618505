import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseCliArgs, UsageError } from './args';

const base = [
  'pretrain',
  '--method',
  'simclr',
  '--data',
  'mnist',
  '--epochs',
  '2',
  '--batch-size',
  '64',
  '--out',
  'runs/x',
];
const withArg = (name: string, value?: string) => {
  const i = base.indexOf(name);
  const argv = base.slice();
  if (value === undefined) argv.splice(i, 2);
  else argv[i + 1] = value;
  return argv;
};

describe('parseCliArgs', () => {
  it('parses ssl pretrain with defaults', () => {
    expect(
      parseCliArgs([...base, '--lr', '0.01', '--resume', '--backend', 'cpu', '--limit', '100']),
    ).toEqual({
      command: 'pretrain',
      method: 'simclr',
      data: ['mnist'],
      epochs: 2,
      batchSize: 64,
      limit: 100,
      lr: 0.01,
      optimizer: 'adam',
      warmupEpochs: 0,
      seed: 0,
      backend: 'cpu',
      workers: 'auto',
      out: 'runs/x',
      resume: true,
      overwrite: false,
      checkpointEvery: 1,
      imageSize: undefined,
      channels: undefined,
      encoder: 'conv',
      width: 1,
      vocabSize: 2000,
      maxLength: 64,
      quiet: false,
      methodOptions: {},
    });
  });

  it('parses --workers as a number or auto, and refuses anything else in one line', () => {
    const base = [
      'pretrain',
      '--method',
      'simclr',
      '--data',
      'mnist',
      '--out',
      'runs/x',
      '--epochs',
      '1',
      '--batch-size',
      '64',
    ];
    expect(parseCliArgs([...base, '--workers', '2'])).toMatchObject({ workers: 2 });
    expect(parseCliArgs([...base, '--workers', 'auto'])).toMatchObject({ workers: 'auto' });
    for (const bad of ['0', '1.5', 'two', '-1']) {
      expect(() => parseCliArgs([...base, '--workers', bad])).toThrow(
        `ssl pretrain: --workers must be 'auto' or an integer in [1, 256], got '${bad}'`,
      );
    }
  });

  it("reads the method's own options from the registry, typed, and refuses another method's", () => {
    const a = parseCliArgs([...base, '--temperature', '0.2', '--projection-dim=64']);
    expect(a.command === 'pretrain' && a.methodOptions).toEqual({
      temperature: 0.2,
      projectionDim: 64,
    });
    expect(() => parseCliArgs([...base, '--queue-size', '1024'])).toThrow(
      /^ssl pretrain: Unknown option '--queue-size'/,
    );
    expect(() => parseCliArgs([...base, '--temperature', 'hot'])).toThrow(
      "ssl pretrain --method simclr: --temperature must be a number, got 'hot'",
    );
  });

  it.each([
    [
      withArg('--method', 'simclrr'),
      "ssl pretrain: --method must be one of simclr, moco, byol, simsiam, barlow, vicreg, dino, nnclr, mae, mlm, got 'simclrr'",
    ],
    [
      withArg('--batch-size', '0'),
      "ssl pretrain: --batch-size must be an integer >= 1 and <= 65536, got '0'",
    ],
    [
      withArg('--batch-size', '2.5'),
      "ssl pretrain: --batch-size must be an integer >= 1 and <= 65536, got '2.5'",
    ],
    [
      withArg('--epochs', 'x'),
      "ssl pretrain: --epochs must be an integer >= 1 and <= 100000, got 'x'",
    ],
    [withArg('--epochs'), 'ssl pretrain: --epochs is required'],
    [
      withArg('--data', '/no/such/folder'),
      "ssl pretrain: --data '/no/such/folder' is neither 'mnist' nor an existing folder of images",
    ],
    [withArg('--out'), 'ssl pretrain: --out is required'],
    [[...base, '--lr=-1'], "ssl pretrain: --lr must be a number > 0 and <= 1000000, got '-1'"],
    [[...base, '--lr', '0'], "ssl pretrain: --lr must be a number > 0 and <= 1000000, got '0'"],
    [
      [...base, '--backend', 'gpu'],
      "ssl pretrain: --backend must be one of auto, wasm, cpu, tensorflow, got 'gpu'",
    ],
    [
      [...base, '--frobnicate'],
      "ssl pretrain: Unknown option '--frobnicate' (see ssl pretrain --help)",
    ],
    [
      withArg('--epochs', '-1'),
      "ssl pretrain: --epochs must be an integer >= 1 and <= 100000, got '-1'",
    ],
    [
      withArg('--epochs', '1e12'),
      "ssl pretrain: --epochs must be an integer >= 1 and <= 100000, got '1e12'",
    ],
    [
      withArg('--epochs', '1.5'),
      "ssl pretrain: --epochs must be an integer >= 1 and <= 100000, got '1.5'",
    ],
    [
      withArg('--epochs', '1000000'),
      "ssl pretrain: --epochs must be an integer >= 1 and <= 100000, got '1000000'",
    ],
    [
      withArg('--epochs', ''),
      "ssl pretrain: --epochs must be an integer >= 1 and <= 100000, got ''",
    ],
    [
      withArg('--epochs', ' '),
      "ssl pretrain: --epochs must be an integer >= 1 and <= 100000, got ' '",
    ],
    [
      [...base, '--lr', '0x10'],
      "ssl pretrain: --lr must be a number > 0 and <= 1000000, got '0x10'",
    ],
    [
      [...base, '--lr', 'Infinity'],
      "ssl pretrain: --lr must be a number > 0 and <= 1000000, got 'Infinity'",
    ],
    [[...base, '--lr', ''], "ssl pretrain: --lr must be a number > 0 and <= 1000000, got ''"],
    [
      [...base, '--seed', '0x1'],
      "ssl pretrain: --seed must be an integer >= 0 and <= 4294967295, got '0x1'",
    ],
    [
      [...base, '--image-size', '4096'],
      "ssl pretrain: --image-size must be an integer >= 8 and <= 1024, got '4096'",
    ],
    [withArg('--out', ''), "ssl pretrain: --out must be a non-empty value, got ''"],
    [[...base, '--limit'], 'ssl pretrain: --limit needs a value'],
    [withArg('--out', '--quiet'), "ssl pretrain: --out needs a value, got the option '--quiet'"],
    [
      withArg('--batch-size', '1'),
      'ssl pretrain: --batch-size must be >= 2 for simclr (its loss compares the examples of a batch), got 1',
    ],
    [
      [...base, '--resume', '--overwrite'],
      'ssl pretrain: --resume and --overwrite exclude each other',
    ],
    [
      ['train'],
      "ssl: unknown command 'train'; expected pretrain, eval, embed, classify, predict, export, import (see ssl --help)",
    ],
    [
      ['eval', '--encoder', '/no/such/dir'],
      "ssl eval: --encoder '/no/such/dir' is not an encoder folder (model.json + weights.bin, e.g. DIR/encoder from ssl pretrain)",
    ],
    [
      [
        'pretrain',
        '--method',
        'mlm',
        '--data',
        'no-such-corpus',
        '--epochs',
        '1',
        '--batch-size',
        '2',
        '--out',
        'o',
      ],
      "ssl pretrain: --data 'no-such-corpus' is neither a bundled corpus (sotu, moby-dick, spam-assassin) nor an existing file or folder",
    ],
  ])('refuses %j with one clear line', (argv, message) => {
    let err: unknown;
    try {
      parseCliArgs(argv);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe(message);
    expect((err as Error).message).not.toContain('\n');
  });

  it('accepts an existing image folder, mlm corpora, eval, help and version', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ssl-args-'));
    try {
      expect(() => parseCliArgs(['eval', '--encoder', dir])).toThrow(
        `ssl eval: --encoder '${dir}' is not an encoder folder (model.json + weights.bin, e.g. DIR/encoder from ssl pretrain)`,
      );
      writeFileSync(path.join(dir, 'model.json'), '{}');
      expect(parseCliArgs(withArg('--data', dir))).toMatchObject({ data: [dir] });
      expect(
        parseCliArgs([
          'pretrain',
          '--method',
          'mlm',
          '--data',
          'sotu,moby-dick',
          '--epochs',
          '1',
          '--batch-size',
          '8',
          '--out',
          'o',
        ]),
      ).toMatchObject({ method: 'mlm', data: ['sotu', 'moby-dick'] });
      expect(parseCliArgs(['eval', '--encoder', dir, '--labels-per-class', '5'])).toEqual({
        command: 'eval',
        encoder: dir,
        data: 'mnist',
        test: undefined,
        labelsPerClass: 5,
        k: 1,
        limit: undefined,
        report: path.join(path.dirname(dir), 'eval.json'),
        seed: 0,
        backend: 'auto',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(parseCliArgs([])).toEqual({ command: 'help' });
    expect(parseCliArgs(['--help'])).toEqual({ command: 'help' });
    expect(parseCliArgs(['pretrain', '--help'])).toEqual({ command: 'help', topic: 'pretrain' });
    expect(parseCliArgs(['pretrain', '--method', 'simclr', '-h'])).toEqual({
      command: 'help',
      topic: 'pretrain',
    });
    expect(parseCliArgs(['eval', '--help'])).toEqual({ command: 'help', topic: 'eval' });
    expect(parseCliArgs([...withArg('--epochs'), '--lr', '1e-3', '--epochs=3'])).toMatchObject({
      lr: 1e-3,
      epochs: 3,
    });
    expect(parseCliArgs([...base, '--warmup-epochs', '0.5'])).toMatchObject({ warmupEpochs: 0.5 });
    expect(parseCliArgs(['--version'])).toEqual({ command: 'version' });
  });
});

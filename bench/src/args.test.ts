import { parseArgs } from './args';

describe('parseArgs', () => {
  it('has the documented defaults', () => {
    expect(parseArgs([])).toEqual({
      model: 'reference',
      width: 1,
      simdBuild: 'auto',
      backends: 'all',
      json: false,
      profile: false,
      kernels: 'all',
      simd: 'on',
      torch: 'on',
    });
  });

  it('reads --workers as a list of counts (wasm unless --backend says otherwise) and --torch', () => {
    expect(parseArgs(['--workers', '1,2'])).toMatchObject({
      workers: [1, 2],
      backends: ['wasm'],
      torch: 'on',
      model: 'reference',
    });
    expect(parseArgs(['--workers', '2', '--backend', 'cpu', '--torch', 'off'])).toMatchObject({
      workers: [2],
      backends: ['cpu'],
      torch: 'off',
    });
    expect(() => parseArgs(['--workers', '1,x'])).toThrow(
      'bench: --workers must be a comma-separated list of integers in [1, 256], got "1,x"',
    );
    expect(() => parseArgs(['--workers', '0'])).toThrow(/--workers must be a comma-separated list/);
  });

  it('reads every option, with = or a separate value', () => {
    expect(
      parseArgs([
        '--backend',
        'wasm,cpu',
        '--batch-size=64',
        '--steps',
        '3',
        '--warmup',
        '0',
        '--json',
        '--out',
        'r.json',
        '--profile',
        '--kernels',
        'missing',
        '--simd=off',
        '--model',
        'resnet18',
        '--width=0.25',
        '--simd-build',
        'simd128',
      ]),
    ).toEqual({
      model: 'resnet18',
      width: 0.25,
      simdBuild: 'simd128',
      backends: ['wasm', 'cpu'],
      batchSize: 64,
      steps: 3,
      warmup: 0,
      json: true,
      out: 'r.json',
      profile: true,
      kernels: 'missing',
      simd: 'off',
      torch: 'on',
    });
  });

  it('rejects bad values, naming the option', () => {
    expect(() => parseArgs(['--backend', 'gpu'])).toThrow(/--backend must be all or one of/);
    expect(() => parseArgs(['--steps', '0'])).toThrow(
      "bench: --steps must be an integer >= 1 and <= 100000, got '0'",
    );
    expect(() => parseArgs(['--batch-size', 'x'])).toThrow(/--batch-size must be an integer >= 2/);
    expect(() => parseArgs(['--warmup', '-1'])).toThrow(/--warmup must be an integer >= 0/);
    expect(() => parseArgs(['--fast'])).toThrow("bench: Unknown option '--fast'");
    expect(() => parseArgs(['--out'])).toThrow('bench: --out needs a value');
    expect(() => parseArgs(['--simd', 'yes'])).toThrow(/--simd must be one of on, off/);
    expect(() => parseArgs(['--model', 'vgg'])).toThrow(
      /--model must be one of reference, resnet18, vit/,
    );
    expect(() => parseArgs(['--width', '0'])).toThrow(/--width must be a number > 0/);
    expect(() => parseArgs(['--simd-build', 'avx'])).toThrow(
      /--simd-build must be one of auto, relaxed-simd, simd128/,
    );
  });
});

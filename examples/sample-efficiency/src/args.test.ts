import { parseArgs, USAGE } from './args';

describe('parseArgs', () => {
  it('reads the flags, with defaults', () => {
    expect(parseArgs([])).toEqual({
      quick: false,
      backend: 'auto',
      workers: 'auto',
      help: false,
      data: 'mnist',
    });
    expect(parseArgs(['--data', 'fashion-mnist', '--flip', 'off'])).toMatchObject({
      data: 'fashion-mnist',
      flip: false,
    });
    expect(
      parseArgs(['--quick', '--out', 'x/y', '--backend=cpu', '--seeds', '2', '--workers', '2']),
    ).toEqual({
      data: 'mnist',
      quick: true,
      out: 'x/y',
      backend: 'cpu',
      workers: 2,
      seeds: 2,
      help: false,
    });
    expect(parseArgs(['-h']).help).toBe(true);
    expect(USAGE).toMatch(/--seeds N +label draws per setting/);
  });

  it('refuses bad input with one clear line', () => {
    expect(() => parseArgs(['--fast'])).toThrow(
      "sample-efficiency: Unknown option '--fast' (see sample-efficiency --help)",
    );
    expect(() => parseArgs(['--out'])).toThrow('sample-efficiency: --out needs a value');
    expect(() => parseArgs(['--out', '--quick'])).toThrow(
      "sample-efficiency: --out needs a value, got the option '--quick'",
    );
    expect(() => parseArgs(['--seeds', '0'])).toThrow(
      "sample-efficiency: --seeds must be an integer >= 1 and <= 100, got '0'",
    );
    expect(() => parseArgs(['--backend', 'gpu'])).toThrow(/--backend must be one of auto, wasm/);
    expect(() => parseArgs(['--workers', 'two'])).toThrow(
      "sample-efficiency: --workers must be 'auto' or an integer in [1, 256], got 'two'",
    );
  });
});

import { parseArgs } from './args';

describe('parseArgs', () => {
  it('reads the flags, with defaults', () => {
    expect(parseArgs([])).toEqual({ quick: false, backend: 'auto', help: false });
    expect(parseArgs(['--quick', '--out', 'x/y', '--backend=cpu', '--seeds', '2'])).toEqual({
      quick: true,
      out: 'x/y',
      backend: 'cpu',
      seeds: 2,
      help: false,
    });
    expect(parseArgs(['-h']).help).toBe(true);
  });

  it('refuses bad input with one clear line', () => {
    expect(() => parseArgs(['--fast'])).toThrow('unknown argument "--fast" (see --help)');
    expect(() => parseArgs(['--out'])).toThrow('--out needs a value');
    expect(() => parseArgs(['--out', '--quick'])).toThrow('--out needs a value');
    expect(() => parseArgs(['--seeds', '0'])).toThrow('--seeds must be an integer >= 1, got 0');
  });
});

import { parseCliArgs } from './args';
import { parseExportArgs } from './export-args';
import { UsageError } from './command-line';

const base = ['pretrain', '--method', 'simclr', '--data', 'mnist', '--epochs', '1'];

describe('a flag given twice is refused in one line naming it (never the last value taken)', () => {
  it.each([
    [[...base, '--batch-size', '8', '--out', 'a', '--out', 'b'], '--out'],
    [[...base, '--batch-size=8', '--out', 'a', '--batch-size', '16'], '--batch-size'],
    [[...base, '--batch-size', '8', '--out', 'a', '--epochs=2'], '--epochs'],
    [[...base, '--batch-size', '8', '--out', 'a', '--quiet', '--quiet'], '--quiet'],
    [
      [...base, '--batch-size', '8', '--out', 'a', '--temperature', '0.2', '--temperature=0.5'],
      '--temperature',
    ],
  ])('%j', (argv, flag) => {
    let err: unknown;
    try {
      parseCliArgs(argv);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe(`ssl pretrain: ${flag} is given twice; give it once`);
  });

  it('ssl import and export too', () => {
    expect(() => parseExportArgs(['import', '--from', 'a', '--from', 'b', '--out', 'c'])).toThrow(
      'ssl import: --from is given twice; give it once',
    );
  });

  it('a value that looks like a flag is not counted, and one use of each flag passes', () => {
    expect(() =>
      parseCliArgs([...base, '--batch-size', '8', '--out', 'x', '--seed', '3']),
    ).not.toThrow();
  });
});

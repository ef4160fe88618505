import { formatFlags, parseCommandLine, UsageError } from './command-line';

const spec = {
  epochs: { type: 'int', min: 1, max: 100, required: true, help: 'epochs to train' },
  lr: {
    type: 'number',
    min: 0,
    exclusiveMin: true,
    default: 0.001,
    value: 'X',
    help: 'learning rate',
  },
  mode: { type: 'string', choices: ['a', 'b'], default: 'a', help: 'mode' },
  set: { type: 'string', multiple: true, value: 'K=V', help: 'overrides' },
  name: { type: 'string', help: 'a name' },
  quiet: { type: 'boolean', short: 'q', help: 'no output' },
} as const;

const parse = (argv: string[]) => parseCommandLine('tool', argv, spec);
const fails = (argv: string[]) => {
  try {
    parse(argv);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    expect((e as Error).message).not.toContain('\n');
    return (e as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(argv)}`);
};

describe('parseCommandLine', () => {
  it('reads every type, defaults, repeated flags, both --k v and --k=v', () => {
    expect(parse(['--epochs', '3'])).toEqual({
      epochs: 3,
      lr: 0.001,
      mode: 'a',
      set: [],
      name: undefined,
      quiet: false,
    });
    expect(
      parse([
        '--epochs=7',
        '--lr',
        '2.5e-4',
        '--mode',
        'b',
        '--set',
        'x=1',
        '--set=y=2',
        '-q',
        '--name',
        'n',
      ]),
    ).toEqual({ epochs: 7, lr: 2.5e-4, mode: 'b', set: ['x=1', 'y=2'], name: 'n', quiet: true });
    expect(parse(['--epochs', '+5', '--lr', '.5']).epochs).toBe(5);
  });

  it.each([
    [['--epochs', '-1'], "tool: --epochs must be an integer >= 1 and <= 100, got '-1'"],
    [['--epochs', '0x10'], "tool: --epochs must be an integer >= 1 and <= 100, got '0x10'"],
    [['--epochs', '1e1'], "tool: --epochs must be an integer >= 1 and <= 100, got '1e1'"],
    [['--epochs', '2.0'], "tool: --epochs must be an integer >= 1 and <= 100, got '2.0'"],
    [['--epochs', '101'], "tool: --epochs must be an integer >= 1 and <= 100, got '101'"],
    [
      ['--epochs', '99999999999999999999'],
      "tool: --epochs must be an integer >= 1 and <= 100, got '99999999999999999999'",
    ],
    [['--epochs='], "tool: --epochs must be an integer >= 1 and <= 100, got ''"],
    [['--epochs', '1', '--lr', '0x10'], "tool: --lr must be a number > 0, got '0x10'"],
    [['--epochs', '1', '--lr', '-0.5'], "tool: --lr must be a number > 0, got '-0.5'"],
    [['--epochs', '1', '--lr', 'NaN'], "tool: --lr must be a number > 0, got 'NaN'"],
    [['--epochs', '1', '--lr', '1e999'], "tool: --lr must be a number > 0, got '1e999'"],
    [['--epochs', '1', '--mode', 'c'], "tool: --mode must be one of a, b, got 'c'"],
    [['--epochs', '1', '--name', ''], "tool: --name must be a non-empty value, got ''"],
    [['--epochs', '1', '--name'], 'tool: --name needs a value'],
    [
      ['--epochs', '1', '--name', '--quiet'],
      "tool: --name needs a value, got the option '--quiet'",
    ],
    [[], 'tool: --epochs is required'],
    [['--epochs', '1', '--nope'], "tool: Unknown option '--nope' (see tool --help)"],
    [['--epochs', '1', 'stray'], "tool: Unexpected argument 'stray' (see tool --help)"],
    [
      ['--epochs', '1', '--quiet=yes'],
      "tool: Option '-q, --quiet' does not take an argument (see tool --help)",
    ],
  ])('refuses %j with one line naming the flag', (argv, message) => {
    expect(fails(argv)).toBe(message);
  });

  it('formats the help from the same spec', () => {
    const help = formatFlags(spec).split('\n');
    expect(help).toHaveLength(6);
    expect(help[0]).toMatch(/^ {2}--epochs N +epochs to train \(required\)$/);
    expect(help[1]).toMatch(/^ {2}--lr X +learning rate \(default 0\.001\)$/);
    expect(help[2]).toMatch(/--mode S +mode \(a \| b; default a\)$/);
    expect(help[5]).toMatch(/^ {2}-q, --quiet +no output$/);
    // every description starts in the same column
    expect(
      new Set(help.map((l) => l.search(/(epochs to|learning|mode \(|overrides|a name|no output)/)))
        .size,
    ).toBe(1);
  });
});

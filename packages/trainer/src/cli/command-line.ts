import { parseArgs } from 'node:util';

/**
 * A command-line mistake: one line naming the command and the flag, printed
 * without a stack; programs exit with status 2.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** How a flag's value is read. */
export type FlagType = 'boolean' | 'string' | 'int' | 'number';

/** One flag of a command. */
export interface Flag {
  type: FlagType;
  /** One line of help. */
  help: string;
  /** Placeholder in the help (`--out DIR`). Default: `N` for numbers, `S` for strings. */
  value?: string;
  /** A one-letter alias (`-h`). */
  short?: string;
  /** Refused when absent. */
  required?: boolean;
  /** Value when absent (shown in the help). */
  default?: string | number | boolean;
  /** int/number: smallest allowed value. */
  min?: number;
  /** number: values must be strictly greater than `min`. */
  exclusiveMin?: boolean;
  /** int/number: largest allowed value. */
  max?: number;
  /** string: the allowed values. */
  choices?: readonly string[];
  /** string: may be given several times; the value is an array. */
  multiple?: boolean;
}

/** The flags of one command, by long name (without `--`). */
export type FlagSpec = Record<string, Flag>;

type ValueOf<F extends Flag> = F['type'] extends 'boolean'
  ? boolean
  : F['type'] extends 'int' | 'number'
    ? number
    : F extends { multiple: true }
      ? string[]
      : F extends { choices: readonly (infer C)[] }
        ? C
        : string;

/** The parsed values: present when required, defaulted, boolean or multiple; else maybe undefined. */
export type Values<S extends FlagSpec> = {
  [K in keyof S]: S[K] extends { required: true } | { default: unknown } | { type: 'boolean' }
    ? ValueOf<S[K]>
    : S[K] extends { multiple: true }
      ? ValueOf<S[K]>
      : ValueOf<S[K]> | undefined;
};

const INT = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NUMBER_LIKE = /^-(\d|\.\d|Infinity$|NaN$)/;

function range(f: Flag): string {
  const lo = f.min === undefined ? '' : `${f.exclusiveMin ? '>' : '>='} ${f.min}`;
  const hi = f.max === undefined ? '' : `<= ${f.max}`;
  return [lo, hi].filter((s) => s !== '').join(' and ');
}

/** Reads one flag's text as its type, checking range and choices; throws UsageError naming it. */
function convert(command: string, name: string, f: Flag, raw: string): string | number {
  const bad = (expected: string) =>
    new UsageError(`${command}: --${name} must be ${expected}, got '${raw}'`);
  if (f.type === 'int' || f.type === 'number') {
    const isInt = f.type === 'int';
    const what = `${isInt ? 'an integer' : 'a number'}${range(f) ? ` ${range(f)}` : ''}`;
    if (!(isInt ? INT : DECIMAL).test(raw.trim())) throw bad(what);
    const n = Number(raw);
    if (!Number.isFinite(n) || (isInt && !Number.isSafeInteger(n))) throw bad(what);
    if (f.min !== undefined && (f.exclusiveMin ? n <= f.min : n < f.min)) throw bad(what);
    if (f.max !== undefined && n > f.max) throw bad(what);
    return n;
  }
  if (f.choices && !f.choices.includes(raw)) throw bad(`one of ${f.choices.join(', ')}`);
  if (raw.trim() === '') throw bad('a non-empty value');
  return raw;
}

/**
 * Joins `--flag -1` into `--flag=-1` for value flags (so a negative number is
 * read as the value and then range-checked, rather than taken for an option),
 * and refuses a value flag followed by another option or by nothing, and a
 * flag given twice (unless it is `multiple`).
 */
function normalise(command: string, argv: readonly string[], spec: FlagSpec): string[] {
  const out: string[] = [];
  const shorts = new Map(
    Object.entries(spec)
      .filter(([, f]) => f.short)
      .map(([n, f]) => [`-${f.short}`, n]),
  );
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const name = a.startsWith('--') ? a.slice(2).split('=')[0] : shorts.get(a);
    const f = name === undefined ? undefined : spec[name];
    if (f !== undefined && name !== undefined && !f.multiple) {
      // a repeated flag would silently take its last value
      if (seen.has(name))
        throw new UsageError(`${command}: --${name} is given twice; give it once`);
      seen.add(name);
    }
    if (f === undefined || f.type === 'boolean' || a.includes('=')) {
      out.push(a);
      continue;
    }
    const next = argv[i + 1];
    if (next === undefined || (next.startsWith('-') && !NUMBER_LIKE.test(next) && next !== '-')) {
      throw new UsageError(
        `${command}: --${name} needs a value${next === undefined ? '' : `, got the option '${next}'`}`,
      );
    }
    out.push(`--${name}=${next}`);
    i++;
  }
  return out;
}

/**
 * Parses `argv` (without node and the script) against `spec`: Node's
 * `util.parseArgs` in strict mode (unknown flags and stray positionals are
 * refused), then every value converted and checked. Integers are decimal
 * digits only (`0x10`, `1e3`, `1.5` and `''` are refused); numbers are
 * decimal with an optional exponent (`1e-3`). Every mistake is a
 * {@link UsageError} with one line naming `command` and the flag.
 *
 * @example
 * ```ts
 * const spec = {
 *   epochs: { type: 'int', min: 1, max: 1000, required: true, help: 'epochs to train' },
 *   lr: { type: 'number', min: 0, exclusiveMin: true, default: 1e-3, help: 'learning rate' },
 *   quiet: { type: 'boolean', help: 'no progress bar' },
 * } as const;
 * parseCommandLine('train', ['--epochs', '3'], spec); // { epochs: 3, lr: 0.001, quiet: false }
 * ```
 */
export function parseCommandLine<S extends FlagSpec>(
  command: string,
  argv: readonly string[],
  spec: S,
): Values<S> {
  const options: Record<
    string,
    { type: 'string' | 'boolean'; short?: string; multiple?: boolean }
  > = {};
  for (const [name, f] of Object.entries(spec)) {
    options[name] = {
      type: f.type === 'boolean' ? 'boolean' : 'string',
      ...(f.short ? { short: f.short } : {}),
      ...(f.multiple ? { multiple: true } : {}),
    };
  }
  const args = normalise(command, argv, spec);
  let raw: Record<string, string | boolean | string[] | undefined>;
  try {
    raw = parseArgs({
      args,
      options,
      strict: true,
      allowPositionals: false,
    }).values as typeof raw;
  } catch (e) {
    // node's messages: keep the first sentence, drop its hints about '--'
    const msg = (e as Error).message.split('\n')[0].split('. ')[0].replace(/\.$/, '');
    throw new UsageError(`${command}: ${msg} (see ${command} --help)`);
  }
  const values: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(spec)) {
    const v = raw[name];
    if (f.type === 'boolean') values[name] = v === true;
    else if (Array.isArray(v)) values[name] = v.map((x) => convert(command, name, f, x));
    else if (typeof v === 'string') values[name] = convert(command, name, f, v);
    else if (f.required) {
      const choices = f.choices ? ` (${f.choices.join(' | ')})` : '';
      throw new UsageError(`${command}: --${name} is required${choices}`);
    } else values[name] = f.multiple ? [] : f.default;
  }
  return values as Values<S>;
}

/**
 * The help of a command's flags, one line each, aligned: `--name V  help
 * (default d)`. Generated from the same spec the parser reads, so the help
 * cannot drift from what is accepted.
 */
export function formatFlags(spec: FlagSpec): string {
  const left = Object.entries(spec).map(([name, f]) => {
    const v = f.type === 'boolean' ? '' : ` ${f.value ?? (f.type === 'string' ? 'S' : 'N')}`;
    return `${f.short ? `-${f.short}, ` : ''}--${name}${v}`;
  });
  const width = Math.max(...left.map((l) => l.length)) + 2;
  return Object.values(spec)
    .map((f, i) => {
      const extra: string[] = [];
      if (f.choices && !f.help.includes(f.choices.join(' | '))) extra.push(f.choices.join(' | '));
      if (f.type !== 'boolean' && f.default !== undefined) extra.push(`default ${f.default}`);
      if (f.required) extra.push('required');
      const tail = extra.length ? ` (${extra.join('; ')})` : '';
      return `  ${left[i].padEnd(width)}${f.help}${tail}`;
    })
    .join('\n');
}

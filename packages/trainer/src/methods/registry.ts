import type { AnyMethod } from './method';
import type { MethodEntry, OptionSpec } from './method-entry';
import { simclrEntry } from './simclr';
import { mocoEntry } from './moco';
import { byolEntry } from './byol';
import { simsiamEntry } from './simsiam';
import { barlowTwinsEntry } from './barlow-twins';
import { vicregEntry } from './vicreg';
import { dinoEntry } from './dino';
import { nnclrEntry } from './nnclr';
import { mlmEntry } from './mlm';

/**
 * Every pretraining method, in the order the help text lists them. The one
 * module the CLI (`ssl pretrain --method`, its `--help` and option flags), the
 * tests and the examples read: a new method is one file plus one line here.
 */
export const METHOD_REGISTRY: readonly MethodEntry[] = [
  simclrEntry,
  mocoEntry,
  byolEntry,
  simsiamEntry,
  barlowTwinsEntry,
  vicregEntry,
  dinoEntry,
  nnclrEntry,
  mlmEntry,
];

/** The registered method names (`--method` values). */
export const METHOD_NAMES: readonly string[] = METHOD_REGISTRY.map((e) => e.name);

/** The registry entry of `name`; throws naming the known methods. */
export function methodEntry(name: string): MethodEntry {
  const entry = METHOD_REGISTRY.find((e) => e.name === name);
  if (!entry) {
    throw new Error(`methodEntry: no method '${name}'; known: ${METHOD_NAMES.join(', ')}`);
  }
  return entry;
}

/** Creates the method `name` with `options` (see its entry's `options`). */
export function createMethod(name: string, options: Record<string, unknown> = {}): AnyMethod {
  return methodEntry(name).create(options);
}

function parseValue(fn: string, spec: OptionSpec, raw: string | boolean): number | boolean {
  if (spec.type === 'boolean') {
    if (typeof raw === 'boolean') return raw;
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0') return false;
    throw new Error(`${fn}: --${kebab(spec.name)} must be true or false, got '${raw}'`);
  }
  const v = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  if (!Number.isFinite(v) || (spec.type === 'integer' && !Number.isInteger(v))) {
    throw new Error(
      `${fn}: --${kebab(spec.name)} must be ${spec.type === 'integer' ? 'an integer' : 'a number'}, got '${String(raw)}'`,
    );
  }
  return v;
}

/** camelCase -> kebab-case (`projectionDim` -> `projection-dim`). */
export function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/**
 * Typed options of method `name` from command-line values keyed by option
 * name (camelCase) or flag (kebab-case); unknown keys are refused with the
 * method's option list.
 */
export function parseMethodOptions(
  name: string,
  raw: Record<string, string | boolean>,
): Record<string, number | boolean> {
  const entry = methodEntry(name);
  const fn = `ssl pretrain --method ${name}`;
  const out: Record<string, number | boolean> = {};
  for (const [key, value] of Object.entries(raw)) {
    const spec = entry.options.find((o) => o.name === key || kebab(o.name) === key);
    if (!spec) {
      const known = entry.options.map((o) => `--${kebab(o.name)}`).join(', ') || 'none';
      throw new Error(`${fn}: unknown option --${kebab(key)}; its options: ${known}`);
    }
    out[spec.name] = parseValue(fn, spec, value);
  }
  return out;
}

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
import { maeEntry } from './mae';
import { mlmEntry } from './mlm';

/**
 * Every pretraining method, in the order the help text lists them. The one
 * module the CLI (`ssl pretrain --method`, its `--help` and option flags), the
 * tests and the examples read: a new method is one file plus one line here.
 */
const entries: MethodEntry[] = [
  simclrEntry,
  mocoEntry,
  byolEntry,
  simsiamEntry,
  barlowTwinsEntry,
  vicregEntry,
  dinoEntry,
  nnclrEntry,
  maeEntry,
  mlmEntry,
];
export const METHOD_REGISTRY: readonly MethodEntry[] = entries;

/** The registered method names (`--method` values; grows with {@link registerMethod}). */
export const METHOD_NAMES: readonly string[] = [];
const names = METHOD_NAMES as string[];
names.push(...entries.map((e) => e.name));

/**
 * Adds a method of your own to the registry, so that `createMethod(name)`
 * finds it — and so do the workers of `pretrain({ workers })`, which rebuild
 * the method by name: register it in a module that you also pass as
 * `pretrain({ workerImports: [thatModule] })`. Its factory must pass
 * `options` to `defineMethod` (that sets the method's `recipe`).
 * A second entry with a name already taken is refused.
 */
export function registerMethod(entry: MethodEntry): void {
  if (!entry || typeof entry.name !== 'string' || typeof entry.create !== 'function') {
    throw new Error('registerMethod: entry must have a name and a create(options) function');
  }
  const added = registered();
  const existing =
    entries.find((e) => e.name === entry.name) ?? added.find((e) => e.name === entry.name);
  if (existing === entry) return; // the same module imported twice
  if (existing) throw new Error(`registerMethod: a method '${entry.name}' is already registered`);
  added.push(entry);
  syncRegistered();
}

// Methods added with registerMethod live on globalThis, so that every copy of this module in a
// thread (the ES module and CommonJS builds, the worker script's bundle) sees the same ones.
const REGISTERED = Symbol.for('@ssl/trainer:registered-methods');

function registered(): MethodEntry[] {
  const g = globalThis as { [REGISTERED]?: MethodEntry[] };
  return (g[REGISTERED] ??= []);
}

/** Appends to this copy's METHOD_REGISTRY / METHOD_NAMES what another copy registered. */
export function syncRegistered(): void {
  for (const e of registered()) {
    if (!entries.includes(e)) {
      entries.push(e);
      names.push(e.name);
    }
  }
}

/** The registry entry of `name`; throws naming the known methods. */
export function methodEntry(name: string): MethodEntry {
  syncRegistered();
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
  const r = spec.range;
  if (r && ((r.exclusiveMin ? v <= r.min : v < r.min) || v > r.max)) {
    throw new Error(
      `${fn}: --${kebab(spec.name)} must be in ${r.exclusiveMin ? '(' : '['}${r.min}, ${r.max}], got '${String(raw)}'`,
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

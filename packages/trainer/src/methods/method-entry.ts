import type { AnyMethod } from './method';

/** One option of a method, as the registry lists it (for `ssl pretrain --help` and `--<option>` flags). */
export interface OptionSpec {
  /** The option's name in the method's options object (camelCase; the CLI flag is its kebab-case). */
  name: string;
  type: 'number' | 'integer' | 'boolean';
  /** The default (what the factory uses when the option is absent); a string describes a computed one. */
  default: number | boolean | string;
  /** One line for the help text. */
  doc: string;
  /** Values a number option accepts: `min` (excluded with `exclusiveMin`) to `max`. Default: any finite number. */
  range?: { min: number; max: number; exclusiveMin?: boolean };
}

/** A method as the registry lists it: what the CLI, the tests and the study read. */
export interface MethodEntry {
  /** The `--method` value and the method's `name`. */
  name: string;
  /** One line: the paper and the idea. */
  summary: string;
  /** What the method trains on. */
  modality: 'images' | 'text';
  /** The options a command line may set (others, like `augment` or `tokenizer`, are passed in code). */
  options: readonly OptionSpec[];
  /** Creates the method from its options (those of `options` plus any the caller adds in code). */
  create(options: Record<string, unknown>): AnyMethod;
}

/** The options every image method with a projection head shares. */
export const PROJECTOR_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'projectionDim',
    type: 'integer',
    default: 128,
    doc: 'output size of the projection head',
  },
  { name: 'hiddenDim', type: 'integer', default: 512, doc: 'hidden width of the projection head' },
  {
    name: 'headBatchNorm',
    type: 'boolean',
    default: true,
    doc: 'batch norm in the projection (and prediction) heads',
  },
];

import { formatFlags, parseCommandLine } from '@ssl/trainer/node';

/** Command-line options of the study. */
export interface StudyArgs {
  /** `--quick`: a 1–2 minute smoke run with small limits (CI runs it). */
  quick: boolean;
  /** `--out DIR`: where results go. Default `results/` at the repository root (`results/quick/` with --quick). */
  out?: string;
  /** `--backend NAME`: 'auto' (default), 'wasm', 'cpu', 'tensorflow', 'webgl'. */
  backend: string;
  /** `--workers N|auto`: threads sharing each pretraining step (default auto: every core on wasm/cpu). */
  workers: number | 'auto';
  /** `--seeds N`: label draws per labels-per-class setting. Default: the configuration's (3 full, 2 quick). */
  seeds?: number;
  /** `--data SPEC`: 'mnist' (default), 'fashion-mnist', or a folder of class subfolders. */
  data: string;
  /** `--flip on|off`: horizontal flips in the augmentations; absent: the data set's choice (off). */
  flip?: boolean;
  /** `--help`. */
  help: boolean;
}

/** The flags; the parser and the usage both read this. */
export const STUDY_FLAGS = {
  quick: {
    type: 'boolean',
    help: '1–2 minute smoke run (small limits); writes results/quick/ unless --out',
  },
  out: {
    type: 'string',
    value: 'DIR',
    help: 'output folder (default: results/ at the repository root)',
  },
  backend: {
    type: 'string',
    choices: ['auto', 'wasm', 'cpu', 'tensorflow', 'webgl'],
    default: 'auto',
    value: 'NAME',
    help: 'tfjs backend (auto: tfjs-node, then wasm, then cpu)',
  },
  workers: {
    type: 'string',
    default: 'auto',
    value: 'N',
    help: "threads sharing each pretraining step: a number or 'auto' (every core on wasm/cpu)",
  },
  seeds: { type: 'int', min: 1, max: 100, help: 'label draws per setting (default 3, quick 2)' },
  data: {
    type: 'string',
    default: 'mnist',
    value: 'SPEC',
    help: "'mnist', 'fashion-mnist' (bundled) or a folder with one subfolder of images per class",
  },
  flip: {
    type: 'string',
    choices: ['auto', 'on', 'off'],
    default: 'auto',
    value: 'on|off',
    help: 'horizontal flips in every augmentation (auto: off; on helps natural images, not digits)',
  },
  help: { type: 'boolean', short: 'h', help: 'this text' },
} as const;

export const USAGE = `usage: npm run demo -- [--quick] [--data mnist|fashion-mnist|DIR] [--out DIR] [--backend auto|wasm|cpu|tensorflow] [--workers N|auto] [--seeds N]

The sample-efficiency study (bundled MNIST by default): pretrain a small CNN
without labels (SimCLR), then measure test accuracy with 1, 10 and 100 labels
per class for kNN, a linear probe, fine-tuning and FixMatch, against raw-pixel
kNN / logistic regression, the same CNN trained from scratch on the labels, and
FixMatch from scratch at the same compute.

${formatFlags(STUDY_FLAGS)}`;

/** Parses `argv` (without node and the script). Throws an Error with one clear line on bad input. */
export function parseArgs(argv: string[]): StudyArgs {
  const v = parseCommandLine('sample-efficiency', argv, STUDY_FLAGS);
  const workers = v.workers === 'auto' ? 'auto' : Number(v.workers);
  if (workers !== 'auto' && !(Number.isInteger(workers) && workers >= 1 && workers <= 256)) {
    throw new Error(
      `sample-efficiency: --workers must be 'auto' or an integer in [1, 256], got '${v.workers}'`,
    );
  }
  const args: StudyArgs = {
    quick: v.quick,
    backend: v.backend,
    workers,
    help: v.help,
    data: v.data,
  };
  if (v.flip !== 'auto') args.flip = v.flip === 'on';
  if (v.out !== undefined) args.out = v.out;
  if (v.seeds !== undefined) args.seeds = v.seeds;
  return args;
}

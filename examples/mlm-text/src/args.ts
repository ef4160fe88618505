import { formatFlags, parseCommandLine } from '@ssl/trainer/node';

/** The flags of the text study; the parser and the usage both read this. */
export const STUDY_FLAGS = {
  quick: { type: 'boolean', help: 'a few-minute smoke run; writes results/quick/ unless --out' },
  out: { type: 'string', value: 'DIR', help: 'output folder (default: results/ of this example)' },
  set: {
    type: 'string',
    multiple: true,
    value: 'KEY=JSON',
    help: 'override one StudyConfig value, e.g. --set pretrainLr=2e-3 (repeatable)',
  },
  help: { type: 'boolean', short: 'h', help: 'this text' },
} as const;

export const USAGE = `usage: npm run start -w @ssl/example-mlm-text -- [--quick] [--out DIR] [--set KEY=JSON ...]\n\n${formatFlags(STUDY_FLAGS)}`;

/** Command-line options of the text study. */
export interface StudyArgs {
  quick: boolean;
  out?: string;
  /** `key=value` overrides, in order. */
  set: string[];
  help: boolean;
}

/** Parses `argv` (without node and the script); throws one line naming the flag on bad input. */
export function parseArgs(argv: string[]): StudyArgs {
  return parseCommandLine('mlm-text', argv, STUDY_FLAGS);
}

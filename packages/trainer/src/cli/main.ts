import '@tensorflow/tfjs-layers'; // registers the gradients training needs
import { useBackend } from '@ssl/backends';
import { HELP, parseCliArgs, UsageError } from './args';
import { runPretrain } from './run-pretrain';
import { runEval } from './run-eval';
import { EXPORT_SUMMARY, isExportCommand } from './export-args';
import { runExportCommand } from './run-export-command';
import pkg from '../../package.json';

/** Where the command writes: results to `out`, messages to `err`. */
export interface CliIO {
  out: (line: string) => void;
  err: (line: string) => void;
}

const defaultIO: CliIO = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/**
 * Runs `ssl <argv>` and resolves to the exit status: 0 done, 1 failed (one
 * line `ssl: <message>`; the stack only with SSL_DEBUG=1), 2 bad arguments.
 */
export async function main(argv: string[], io: CliIO = defaultIO): Promise<number> {
  // ssl export / ssl import (PyTorch hand-off): parsed in export-args.ts
  if (isExportCommand(argv[0])) return runExportCommand(argv, io);
  let args;
  try {
    args = parseCliArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(e.message);
      return 2;
    }
    throw e;
  }
  try {
    if (args.command === 'help') {
      io.out(HELP);
      if (!args.topic) io.out(EXPORT_SUMMARY); // ssl export / ssl import: export-args.ts
      return 0;
    }
    if (args.command === 'version') {
      io.out(pkg.version);
      return 0;
    }
    await useBackend(args.backend);
    return args.command === 'pretrain'
      ? await runPretrain(args, io.err)
      : await runEval(args, io.out);
  } catch (e) {
    const err = e as Error;
    const msg = err?.message ?? String(e);
    io.err(msg.startsWith('ssl') ? msg : `ssl: ${msg}`);
    if (process.env.SSL_DEBUG) io.err(String(err?.stack));
    return 1;
  }
}

#!/usr/bin/env node
// The `ssl` command: `ssl pretrain ...`, `ssl eval ...`, `ssl --help`.
import { main } from './cli/main';

// `ssl --help | head`: a reader that closes the pipe early ends the command quietly, as
// other command-line tools do, instead of an unhandled EPIPE with a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

// Exits explicitly once the command is done: a timer or handle left by a
// failed run (a progress bar, a dataset prefetch) must not keep it alive.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`ssl: ${(e as Error)?.message ?? String(e)}\n`);
    process.exit(1);
  },
);

#!/usr/bin/env node
// The `ssl` command: `ssl pretrain ...`, `ssl eval ...`, `ssl --help`.
import { main } from './cli/main';

// Exits explicitly once the command is done: a timer or handle left by a
// failed run (a progress bar, a dataset prefetch) must not keep it alive.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`ssl: ${(e as Error)?.message ?? String(e)}\n`);
    process.exit(1);
  },
);

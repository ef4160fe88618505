#!/usr/bin/env node
// The `ssl` command: `ssl pretrain ...`, `ssl eval ...`, `ssl --help`.
import { main } from './cli/main';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`ssl: ${(e as Error)?.message ?? String(e)}\n`);
    process.exitCode = 1;
  },
);

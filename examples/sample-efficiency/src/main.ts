import * as path from 'node:path';

import { parseArgs, USAGE } from './args';
import { FULL, QUICK } from './config';
import { runStudy } from './study';

/** The repository root: this file runs as examples/sample-efficiency/dist/main.js. */
const ROOT = path.resolve(__dirname, '..', '..', '..');

/** The results subfolder of a --data spec: its name, a folder's name, or the first IDX file's stem. */
function dataName(spec: string): string {
  if (spec === 'fashion-mnist') return spec;
  return path.basename(spec.split(',')[0]).replace(/[-.].*$/, '') || 'data';
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message);
    process.exit(2);
  }
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const base = args.quick ? QUICK : FULL;
  const config = args.seeds
    ? { ...base, seeds: Array.from({ length: args.seeds }, (_, i) => i) }
    : base;
  // --out is relative to where the command was typed (npm sets INIT_CWD).
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const outDir = args.out
    ? path.resolve(cwd, args.out)
    : path.join(
        ROOT,
        'results',
        ...(args.data === 'mnist' ? [] : [dataName(args.data)]),
        ...(args.quick ? ['quick'] : []),
      );
  const command = [
    'npm run demo',
    ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : []),
  ].join(' ');
  await runStudy({
    config,
    data:
      args.data === 'mnist' || args.data === 'fashion-mnist'
        ? args.data
        : args.data
            .split(',')
            .map((f) => path.resolve(cwd, f))
            .join(','),
    ...(args.flip !== undefined ? { flip: args.flip } : {}),
    outDir,
    backend: args.backend,
    workers: args.workers,
    quick: args.quick,
    command,
  });
}

main().catch((e: Error) => {
  console.error(`\nsample-efficiency: ${e.message}`);
  if (process.env.DEBUG) console.error(e.stack);
  process.exit(1);
});

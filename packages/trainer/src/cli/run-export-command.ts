import { useBackend } from '@ssl/backends';
import { UsageError } from './args';
import { EXPORT_HELP, parseExportArgs } from './export-args';
import { runExport } from './run-export';
import { runImport } from './run-import';

/**
 * `ssl export` / `ssl import` end to end: parse, run on the fastest backend
 * available (little compute), resolve to the exit status (2 bad arguments, 1 failed).
 */
export async function runExportCommand(
  argv: string[],
  io: { out: (line: string) => void; err: (line: string) => void },
): Promise<number> {
  let args;
  try {
    args = parseExportArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(e.message);
      return 2;
    }
    throw e;
  }
  if (args === 'help') {
    io.out(EXPORT_HELP);
    return 0;
  }
  try {
    await useBackend('auto');
    return args.command === 'export'
      ? await runExport(args, io.out)
      : await runImport(args, io.out);
  } catch (e) {
    const err = e as Error;
    const msg = err?.message ?? String(e);
    io.err(msg.startsWith('ssl') ? msg : `ssl: ${msg}`);
    if (process.env.SSL_DEBUG) io.err(String(err?.stack));
    return 1;
  }
}

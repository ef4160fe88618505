import { helpText, parseCliArgs, UsageError, type CliArgs } from './args';
import { describeOsError } from './os-errors';
import { importModules, splitImports } from './import-modules';
import { syncRegistered } from '../methods/registry';
import { EXPORT_SUMMARY, isExportCommand } from './export-args';
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
  if (isExportCommand(argv[0])) {
    const { runExportCommand } = await import('./run-export-command');
    return runExportCommand(argv, io);
  }
  let args;
  try {
    // --import FILE: modules that register methods (registerMethod), loaded first
    const imports = splitImports(argv);
    if (imports.files.length > 0) {
      await importModules(imports.files);
      syncRegistered(); // what another copy of @ssl/trainer (the module's) registered
      argv = imports.rest;
    }
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
      io.out(helpText(args.topic));
      if (!args.topic) io.out(EXPORT_SUMMARY); // ssl export / ssl import: export-args.ts
      return 0;
    }
    if (args.command === 'version') {
      io.out(pkg.version);
      return 0;
    }
    // tfjs loads only now: help, version and argument errors answer at once
    await import('@tensorflow/tfjs-layers'); // registers the gradients training needs
    const { useBackend } = await import('@ssl/backends');
    await useBackend(args.backend);
    if (args.command === 'pretrain') {
      const { runPretrain } = await import('./run-pretrain');
      return await runPretrain(args, io.err);
    }
    if (args.command === 'classify') {
      const { runClassify } = await import('./run-classify');
      return await runClassify(args, io.out);
    }
    if (args.command === 'predict') {
      const { runPredict } = await import('./run-predict');
      return await runPredict(args, io.out);
    }
    if (args.command === 'embed') {
      const { runEmbed } = await import('./run-embed');
      return await runEmbed(args, io.out);
    }
    const { runEval } = await import('./run-eval');
    return await runEval(args, io.out);
  } catch (e) {
    const err = e as Error;
    if (e instanceof UsageError) {
      io.err(err.message);
      return 2;
    }
    const os = describeOsError(`ssl ${args.command}`, e, pathFlags(args));
    const msg = (os ?? err?.message ?? String(e)).split('\n')[0];
    io.err(msg.startsWith('ssl') ? msg : `ssl: ${msg}`);
    if (process.env.SSL_DEBUG) io.err(String(err?.stack));
    return 1;
  }
}

/** The paths each flag named, to say which flag an OS error concerns. */
function pathFlags(args: CliArgs): Record<string, readonly string[]> {
  if (args.command === 'pretrain') return { out: [args.out], data: args.data };
  if (args.command === 'eval')
    return { encoder: [args.encoder], data: [args.data], report: [args.report] };
  if (args.command === 'classify')
    return { encoder: [args.encoder], labelled: [args.labelled], out: [args.out] };
  if (args.command === 'predict')
    return { classifier: [args.classifier], data: [args.data], out: [args.out] };
  if (args.command === 'embed')
    return { encoder: [args.encoder], data: [args.data], out: [args.out] };
  return {};
}

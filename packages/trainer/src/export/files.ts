import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import { writeFileAtomic } from '../io/atomic';
import { confinedPath, refuseLink } from '../io/safe-path';
import { exportWeights, type ExportOptions, type ExportedWeights } from './export-weights';
import { importWeights, readConfig, type ImportOptions } from './import-weights';
import { decodeSafetensors } from './safetensors';

/** The architecture config's file beside `file`: `encoder.safetensors` -> `encoder.json`. */
export function configPath(file: string): string {
  return file.replace(/\.safetensors$/, '') + '.json';
}

/** Options of {@link writeExport}. */
export interface WriteExportOptions {
  /** A `tokenizer.json` to copy beside the weights (Transformer encoders). Default: none. */
  tokenizerFile?: string;
  /** Replace `file` (and its config / tokenizer) when they exist. Default `false`: refuse. */
  overwrite?: boolean;
}

/**
 * Exports `models` (see {@link exportWeights}) to `file` (safetensors), its
 * config to `<file>.json` and the tokenizer, if any, to `tokenizer.json`
 * beside it; every file written atomically. Refuses to replace existing files
 * unless `overwrite` is set.
 */
export async function writeExport(
  file: string,
  models: tfl.LayersModel | Record<string, tfl.LayersModel>,
  options: WriteExportOptions & ExportOptions = {},
): Promise<ExportedWeights> {
  const FN = 'writeExport';
  const dir = path.dirname(file);
  const tokenizerOut = options.tokenizerFile ? path.join(dir, 'tokenizer.json') : undefined;
  const targets = [file, configPath(file), ...(tokenizerOut ? [tokenizerOut] : [])];
  // the tokenizer is read from the user's model folder: a link there is not followed
  if (options.tokenizerFile) refuseLink(FN, options.tokenizerFile);
  if (!options.overwrite) {
    for (const t of targets) {
      if (await exists(t)) {
        throw new Error(`${FN}: '${t}' exists; pass overwrite (ssl export --force) to replace it`);
      }
    }
  }
  const exported = exportWeights(models, {
    ...options,
    tokenizer: tokenizerOut ? 'tokenizer.json' : undefined,
  });
  await writeFileAtomic(file, exported.bytes);
  await writeFileAtomic(configPath(file), JSON.stringify(exported.config, null, 1));
  if (options.tokenizerFile && tokenizerOut) {
    const same = path.resolve(options.tokenizerFile) === path.resolve(tokenizerOut);
    if (!same) await writeFileAtomic(tokenizerOut, await fs.readFile(options.tokenizerFile));
  }
  return exported;
}

/** Reads a safetensors file written by {@link writeExport} or `ssl_torch` into a tfjs model. */
export async function readExport(
  file: string,
  options: ImportOptions = {},
): Promise<{ model: tfl.LayersModel; tokenizerFile?: string }> {
  const parsed = decodeSafetensors(new Uint8Array(await fs.readFile(file)));
  const config = readConfig(parsed);
  const model = await importWeights(parsed, options);
  // a path from the file's metadata: confined to the file's folder (no '..', no link out)
  const tok = config.tokenizer
    ? confinedPath('readExport: tokenizer', path.dirname(file), config.tokenizer)
    : undefined;
  return { model, tokenizerFile: tok && (await exists(tok)) ? tok : undefined };
}

async function exists(p: string): Promise<boolean> {
  return fs.stat(p).then(
    () => true,
    () => false,
  );
}

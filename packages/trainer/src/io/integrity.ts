import * as tf from '@tensorflow/tfjs-core';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { processAlive } from './process-alive';

/** Size and SHA-256 of one file of a checkpoint (stored in `state.json`). */
export interface FileRecord {
  bytes: number;
  sha256: string;
}

/** The {@link FileRecord} of `data`. */
export function fileRecord(data: Uint8Array): FileRecord {
  return { bytes: data.byteLength, sha256: createHash('sha256').update(data).digest('hex') };
}

/** Whether `inner` is `root` or lies inside it (both resolved, real paths). */
function inside(root: string, inner: string): boolean {
  const rel = path.relative(root, inner);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Reads `file`, a file of the folder `root`, refusing with one line naming it:
 * a missing file, something that is not a regular file, or a symbolic link
 * (of the file or a folder on its way) that resolves outside `root`. With
 * `expected`, a shorter file is "truncated", a longer one "has trailing
 * data", and a different SHA-256 is "corrupted".
 */
export async function readVerified(
  fn: string,
  root: string,
  file: string,
  expected?: { bytes?: number; sha256?: string },
): Promise<Uint8Array> {
  let real: string;
  try {
    real = await fs.realpath(file);
  } catch {
    throw new Error(`${fn}: ${file} is missing`);
  }
  const realRoot = await fs.realpath(root);
  if (!inside(realRoot, real)) {
    throw new Error(`${fn}: ${file} is a symbolic link to '${real}', outside ${root}; refused`);
  }
  const st = await fs.stat(real);
  if (!st.isFile()) throw new Error(`${fn}: ${file} is not a regular file`);
  const data = new Uint8Array(await fs.readFile(real));
  if (expected?.bytes !== undefined) {
    if (data.byteLength < expected.bytes) {
      throw new Error(
        `${fn}: ${file} is truncated: ${data.byteLength} bytes, expected ${expected.bytes}`,
      );
    }
    if (data.byteLength > expected.bytes) {
      throw new Error(
        `${fn}: ${file} has trailing data: ${data.byteLength} bytes, expected ${expected.bytes}`,
      );
    }
  }
  if (expected?.sha256 !== undefined && fileRecord(data).sha256 !== expected.sha256) {
    throw new Error(`${fn}: ${file} is corrupted (its SHA-256 differs from the one recorded)`);
  }
  return data;
}

const DTYPE_BYTES: Record<string, number> = {
  float32: 4,
  int32: 4,
  bool: 1,
  complex64: 8,
  uint8: 1,
  uint16: 2,
  float16: 2,
};

/**
 * The bytes the weights of `specs` take in their binary file (quantized
 * weights at their stored width), or undefined when a size cannot be known
 * ahead (string tensors).
 */
export function specBytes(specs: readonly tf.io.WeightsManifestEntry[]): number | undefined {
  let total = 0;
  for (const s of specs) {
    const dtype = s.quantization?.dtype ?? s.dtype;
    const per = DTYPE_BYTES[dtype];
    if (per === undefined) return undefined;
    total += s.shape.reduce((a, b) => a * b, 1) * per;
  }
  return total;
}

/**
 * Removes the temp folders/files `.<name>.tmp-<pid>-...` that an atomic write
 * of `target` left beside it when its process was killed (the writing
 * process no longer exists). Returns the removed paths.
 */
export async function removeStaleTemps(target: string): Promise<string[]> {
  const full = path.resolve(target);
  const parent = path.dirname(full);
  const prefix = `.${path.basename(full)}.tmp-`;
  let names: string[];
  try {
    names = await fs.readdir(parent);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid)) continue;
    if (pid === process.pid) continue;
    await fs.rm(path.join(parent, name), { recursive: true, force: true });
    removed.push(path.join(parent, name));
  }
  return removed;
}

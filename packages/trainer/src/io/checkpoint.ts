import * as tf from '@tensorflow/tfjs-core';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { CheckpointIO, CheckpointParts, RunState } from '../checkpoint-io';
import { resolveDir, writeDirAtomic } from './atomic';
import { fileSystemHandler, MODEL_JSON, WEIGHTS_BIN } from './file-system-handler';
import {
  fileRecord,
  readVerified,
  removeStaleTemps,
  specBytes,
  type FileRecord,
} from './integrity';
import { runTensors } from '../guards/run-tensors';
import { scanTensors } from '../guards/scan-tensors';

const FN = 'checkpoint';
/** `format` tag and version written into `state.json`. */
export const CHECKPOINT_FORMAT = 'ssl-trainer-checkpoint';
export const CHECKPOINT_VERSION = 3;

/** Paths (relative to the checkpoint folder) of the files `state.json` records. */
const ENCODER_JSON = `encoder/${MODEL_JSON}`;
const ENCODER_BIN = `encoder/${WEIGHTS_BIN}`;
const STATE_BIN = 'state.bin';

/** The contents of a checkpoint's `state.json`. */
export interface CheckpointJSON extends RunState {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  /** The method's `getState().json`. */
  methodJson: Record<string, unknown>;
  optimizer: { className: string; config: unknown; weightNames: string[] };
  /** Specs of the tensors in `state.bin`: `method/<name>` then `optimizer/<i>`. */
  weights: tf.io.WeightsManifestEntry[];
  savedAt: string;
  /**
   * Size and SHA-256 of every other file of the checkpoint (`encoder/model.json`,
   * `encoder/weights.bin`, `state.bin`), checked on restore. Since version 2;
   * version-1 checkpoints lack it and are checked for sizes only.
   */
  files?: Record<string, FileRecord>;
  /**
   * SHA-256 of this file's own text written without this field (see
   * {@link stateText}): an edited epoch, step, seed or file record is
   * refused on restore. Since version 3.
   */
  stateSha256?: string;
}

/**
 * The text of `state.json` for `json`: the JSON without `stateSha256`
 * (one-space indent), then with `stateSha256` (the SHA-256 of that first
 * text) as its last field. Parsing and re-serialising gives the first text
 * back exactly (numbers and strings round-trip in JSON), so the check needs
 * no second file.
 */
function stateText(json: CheckpointJSON): string {
  const { stateSha256: _ignored, ...rest } = json;
  const body = JSON.stringify(rest, null, 1);
  const sha = fileRecord(new TextEncoder().encode(body)).sha256;
  return JSON.stringify({ ...rest, stateSha256: sha }, null, 1);
}

/**
 * Writes a training checkpoint into `dir`, atomically (a temp folder
 * renamed over `dir`):
 *
 * ```
 * dir/encoder/model.json, dir/encoder/weights.bin  the encoder (tf.loadLayersModel reads it)
 * dir/state.json   epoch, step, seed, RNG state, method name + JSON state, optimizer class/config, tensor specs
 * dir/state.bin    method tensors (heads, EMA / momentum weights, queue) and optimizer.getWeights()
 * ```
 *
 * `state.json` records the size and SHA-256 of the other files. A state
 * holding NaN or ±Infinity anywhere (encoder, method, optimizer slots) is
 * refused, naming the first bad tensor: a checkpoint is always finite. Temp
 * folders that a killed write left beside `dir` are removed.
 */
export async function saveCheckpoint(
  dir: string,
  parts: CheckpointParts,
  state: RunState,
): Promise<void> {
  const all = await runTensors(parts);
  try {
    const scan = await scanTensors(all.tensors);
    if (scan.firstNonFinite !== null) {
      throw new Error(
        `${FN}: refusing to save step ${state.step} into ${dir}: ${scan.firstNonFinite} holds non-finite values (the previous checkpoint is kept)`,
      );
    }
  } finally {
    all.release();
  }
  const methodState = parts.method.getState();
  const optWeights = await parts.optimizer.getWeights();
  try {
    const named: { name: string; tensor: tf.Tensor }[] = [
      ...Object.entries(methodState.tensors).map(([name, tensor]) => ({
        name: `method/${name}`,
        tensor,
      })),
      ...optWeights.map((w, i) => ({ name: `optimizer/${i}`, tensor: w.tensor })),
      ...Object.entries(optimizerExtras(parts.optimizer)).map(([k, tensor]) => ({
        name: `optimizer_extra/${k}`,
        tensor,
      })),
    ];
    const { data, specs } = await tf.io.encodeWeights(named);
    const bytes = new Uint8Array(tf.io.CompositeArrayBuffer.join(data));
    const json: CheckpointJSON = {
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      ...state,
      methodJson: methodState.json ?? {},
      optimizer: {
        className: parts.optimizer.getClassName(),
        config: parts.optimizer.getConfig(),
        weightNames: optWeights.map((w) => w.name),
      },
      weights: specs,
      savedAt: new Date().toISOString(),
    };
    await writeDirAtomic(dir, async (tmp) => {
      await parts.encoder.save(fileSystemHandler(path.join(tmp, 'encoder')));
      await fs.writeFile(path.join(tmp, STATE_BIN), bytes);
      json.files = {};
      for (const rel of [ENCODER_JSON, ENCODER_BIN]) {
        json.files[rel] = fileRecord(new Uint8Array(await fs.readFile(path.join(tmp, rel))));
      }
      json.files[STATE_BIN] = fileRecord(bytes);
      // state.json last: a folder without it is never taken for a checkpoint
      await fs.writeFile(path.join(tmp, 'state.json'), stateText(json));
    });
  } finally {
    // getWeights() returns a fresh iteration-count tensor next to the optimizer's own variables
    tf.dispose(optWeights.filter((w) => !(w.tensor instanceof tf.Variable)).map((w) => w.tensor));
  }
}

/**
 * Optimizer variables that `getWeights()` leaves out. tfjs's Adam and Adamax
 * rebuild their bias-correction powers `accBeta1/2` in `setWeights` as
 * `pow(beta, iterations + 1)`, which differs in the last float32 bit from the
 * product accumulated step by step; saving them keeps a resumed run exact.
 */
function optimizerExtras(optimizer: tf.Optimizer): Record<string, tf.Variable> {
  const out: Record<string, tf.Variable> = {};
  for (const key of ['accBeta1', 'accBeta2']) {
    const v = (optimizer as unknown as Record<string, unknown>)[key];
    if (v instanceof tf.Variable) out[key] = v;
  }
  return out;
}

async function readJSON(root: string): Promise<CheckpointJSON> {
  const file = path.join(root, 'state.json');
  const text = new TextDecoder().decode(await readVerified(FN, root, file));
  let json: CheckpointJSON;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(
      `${FN}: ${file} is not valid JSON (truncated or corrupted): ${(e as Error).message}`,
    );
  }
  if (json?.format !== CHECKPOINT_FORMAT || typeof json.version !== 'number') {
    throw new Error(`${FN}: ${file} is not an @ssl/trainer checkpoint (format '${json?.format}')`);
  }
  if (json.version > CHECKPOINT_VERSION) {
    throw new Error(
      `${FN}: ${file} has version ${json.version}; this @ssl/trainer reads up to ${CHECKPOINT_VERSION}`,
    );
  }
  // state.json is in the checksum manifest too: an edited epoch or step is refused
  if (json.version >= 3 && stateText(json) !== text) {
    throw new Error(
      `${FN}: ${file} was edited or corrupted (its SHA-256 differs from the one it records); refused`,
    );
  }
  return json;
}

/** Reads `dir/state.json` without restoring anything; null when `dir` does not exist. */
export async function readCheckpointInfo(dir: string): Promise<CheckpointJSON | null> {
  const root = await resolveDir(dir);
  return root ? readJSON(root) : null;
}

/**
 * Restores a checkpoint written by {@link saveCheckpoint} into already-built
 * `parts` (encoder weights, method state, optimizer slots) and returns the
 * run state, or null when `dir` does not exist. Weight files must lie inside
 * `dir` (see `fileSystemHandler`). Every file is checked against the size
 * and SHA-256 recorded in `state.json` before anything is restored: a
 * missing, truncated, corrupted or extended file, or a symbolic link out of
 * `dir`, is refused with one line naming it. Version-1 checkpoints (no
 * checksums) still load, checked for sizes only. Stale temp folders of a
 * killed write are removed.
 */
export async function restoreCheckpoint(
  dir: string,
  parts: CheckpointParts,
): Promise<RunState | null> {
  await removeStaleTemps(dir);
  const root = await resolveDir(dir);
  if (!root) return null;
  const json = await readJSON(root);
  if (json.method !== parts.method.name) {
    throw new Error(
      `${FN}: ${dir} holds a '${json.method}' checkpoint, not '${parts.method.name}'`,
    );
  }
  const className = parts.optimizer.getClassName();
  if (json.optimizer.className !== className) {
    throw new Error(
      `${FN}: ${dir} was written with optimizer ${json.optimizer.className}, resuming with ${className}`,
    );
  }

  const files = json.files ?? {};
  const expect: Record<string, FileRecord> = {};
  if (files[ENCODER_JSON]) expect[MODEL_JSON] = files[ENCODER_JSON];
  if (files[ENCODER_BIN]) expect[WEIGHTS_BIN] = files[ENCODER_BIN];
  const stateBytes = await readVerified(
    FN,
    root,
    path.join(root, STATE_BIN),
    files[STATE_BIN] ?? { bytes: specBytes(json.weights) },
  );
  const artifacts = await fileSystemHandler(path.join(root, 'encoder'), { expect }).load!();
  const specs = artifacts.weightSpecs ?? [];
  const encWeights = parts.encoder.weights;
  if (specs.length !== encWeights.length) {
    throw new Error(
      `${FN}: ${dir}/encoder has ${specs.length} weights, the encoder has ${encWeights.length}`,
    );
  }
  const encMap = tf.io.decodeWeights(artifacts.weightData ?? new ArrayBuffer(0), specs);
  const stateMap = tf.io.decodeWeights(
    stateBytes.buffer.slice(
      stateBytes.byteOffset,
      stateBytes.byteOffset + stateBytes.byteLength,
    ) as ArrayBuffer,
    json.weights,
  );
  try {
    const values = specs.map((s, i) => {
      const t = encMap[s.name];
      if (!tf.util.arraysEqual(t.shape, encWeights[i].shape as number[])) {
        throw new Error(
          `${FN}: ${dir}/encoder weight ${i} (${s.name}) has shape [${t.shape}], the encoder's ${encWeights[i].name} has [${encWeights[i].shape}]`,
        );
      }
      return t;
    });
    parts.encoder.setWeights(values);
    const tensors: Record<string, tf.Tensor> = {};
    for (const [name, t] of Object.entries(stateMap)) {
      if (name.startsWith('method/')) tensors[name.slice('method/'.length)] = t;
    }
    parts.method.setState({ tensors, json: json.methodJson });
    const names = json.optimizer.weightNames;
    await parts.optimizer.setWeights(
      names.map((name, i) => {
        const tensor = stateMap[`optimizer/${i}`];
        if (!tensor)
          throw new Error(`${FN}: ${dir}/state.bin lacks optimizer weight ${i} (${name})`);
        return { name, tensor };
      }),
    );
    for (const [key, v] of Object.entries(optimizerExtras(parts.optimizer))) {
      const saved = stateMap[`optimizer_extra/${key}`];
      if (saved && tf.util.arraysEqual(saved.shape, v.shape)) v.assign(saved);
    }
  } finally {
    tf.dispose(Object.values(encMap));
    tf.dispose(Object.values(stateMap));
  }
  return {
    epoch: json.epoch,
    step: json.step,
    seed: json.seed,
    rngState: json.rngState,
    method: json.method,
    identity: json.identity,
    ...(json.epochStep ? { epochStep: json.epochStep, epochRngState: json.epochRngState } : {}),
  };
}

/** The file-system {@link CheckpointIO} that `pretrain({ checkpointDir })` uses in Node. */
export const nodeCheckpointIO: CheckpointIO = { save: saveCheckpoint, restore: restoreCheckpoint };

import * as tf from '@tensorflow/tfjs-core';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { CheckpointIO, CheckpointParts, RunState } from '../checkpoint-io';
import { resolveDir, writeDirAtomic } from './atomic';
import { fileSystemHandler } from './file-system-handler';

const FN = 'checkpoint';
/** `format` tag and version written into `state.json`. */
export const CHECKPOINT_FORMAT = 'ssl-trainer-checkpoint';
export const CHECKPOINT_VERSION = 1;

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
 */
export async function saveCheckpoint(
  dir: string,
  parts: CheckpointParts,
  state: RunState,
): Promise<void> {
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
    const bytes = new Uint8Array(tf.io.CompositeArrayBuffer.join(data));
    await writeDirAtomic(dir, async (tmp) => {
      await parts.encoder.save(fileSystemHandler(path.join(tmp, 'encoder')));
      await fs.writeFile(path.join(tmp, 'state.bin'), bytes);
      await fs.writeFile(path.join(tmp, 'state.json'), JSON.stringify(json, null, 1));
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

async function readJSON(file: string): Promise<CheckpointJSON> {
  let json: CheckpointJSON;
  try {
    json = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (e) {
    throw new Error(`${FN}: cannot read ${file}: ${(e as Error).message}`);
  }
  if (json?.format !== CHECKPOINT_FORMAT || typeof json.version !== 'number') {
    throw new Error(`${FN}: ${file} is not an @ssl/trainer checkpoint (format '${json?.format}')`);
  }
  if (json.version > CHECKPOINT_VERSION) {
    throw new Error(
      `${FN}: ${file} has version ${json.version}; this @ssl/trainer reads up to ${CHECKPOINT_VERSION}`,
    );
  }
  return json;
}

/** Reads `dir/state.json` without restoring anything; null when `dir` does not exist. */
export async function readCheckpointInfo(dir: string): Promise<CheckpointJSON | null> {
  const root = await resolveDir(dir);
  return root ? readJSON(path.join(root, 'state.json')) : null;
}

/**
 * Restores a checkpoint written by {@link saveCheckpoint} into already-built
 * `parts` (encoder weights, method state, optimizer slots) and returns the
 * run state, or null when `dir` does not exist. Weight files must lie inside
 * `dir` (see `fileSystemHandler`).
 */
export async function restoreCheckpoint(
  dir: string,
  parts: CheckpointParts,
): Promise<RunState | null> {
  const root = await resolveDir(dir);
  if (!root) return null;
  const json = await readJSON(path.join(root, 'state.json'));
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

  const artifacts = await fileSystemHandler(path.join(root, 'encoder')).load!();
  const specs = artifacts.weightSpecs ?? [];
  const encWeights = parts.encoder.weights;
  if (specs.length !== encWeights.length) {
    throw new Error(
      `${FN}: ${dir}/encoder has ${specs.length} weights, the encoder has ${encWeights.length}`,
    );
  }
  const encMap = tf.io.decodeWeights(artifacts.weightData ?? new ArrayBuffer(0), specs);
  const stateBytes = await fs.readFile(path.join(root, 'state.bin'));
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
  };
}

/** The file-system {@link CheckpointIO} that `pretrain({ checkpointDir })` uses in Node. */
export const nodeCheckpointIO: CheckpointIO = { save: saveCheckpoint, restore: restoreCheckpoint };

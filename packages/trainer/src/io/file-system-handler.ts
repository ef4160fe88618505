import * as tf from '@tensorflow/tfjs-core';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { resolveDir, safeJoin, writeDirAtomic } from './atomic';

const FN = 'fileSystemHandler';
/** File names of a saved model. */
export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

/**
 * A `tf.io.IOHandler` that saves a model into a folder (`model.json` +
 * `weights.bin`, the standard tfjs Layers format that `tf.loadLayersModel`
 * and TensorFlow's converter read) and loads it back, in Node without
 * `@tensorflow/tfjs-node`.
 *
 * - save: the folder is written atomically (temp folder, then rename);
 * - load: weight files named in `model.json` must lie inside the folder:
 *   absolute paths and `..` escapes are refused.
 *
 * @example
 * ```ts
 * await encoder.save(fileSystemHandler('out/encoder'));
 * const model = await tf.loadLayersModel(fileSystemHandler('out/encoder'));
 * ```
 */
export function fileSystemHandler(dir: string): tf.io.IOHandler {
  if (typeof dir !== 'string' || dir === '') {
    throw new Error(`${FN}: dir must be a non-empty folder path, got ${JSON.stringify(dir)}`);
  }
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new Error(`${FN}: binary model topologies are not supported; save a Layers model`);
      }
      const weightData = artifacts.weightData
        ? tf.io.CompositeArrayBuffer.join(artifacts.weightData)
        : new ArrayBuffer(0);
      const modelJSON: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology ?? {},
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
      };
      if (artifacts.trainingConfig) modelJSON.trainingConfig = artifacts.trainingConfig;
      if (artifacts.userDefinedMetadata)
        modelJSON.userDefinedMetadata = artifacts.userDefinedMetadata;
      await writeDirAtomic(dir, async (tmp) => {
        await fs.writeFile(path.join(tmp, MODEL_JSON), JSON.stringify(modelJSON));
        await fs.writeFile(path.join(tmp, WEIGHTS_BIN), new Uint8Array(weightData));
      });
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },

    async load(): Promise<tf.io.ModelArtifacts> {
      const root = await resolveDir(dir);
      if (!root) throw new Error(`${FN}: no model folder at ${dir}`);
      const jsonPath = path.join(root, MODEL_JSON);
      let modelJSON: tf.io.ModelJSON;
      try {
        modelJSON = JSON.parse(await fs.readFile(jsonPath, 'utf8'));
      } catch (e) {
        throw new Error(`${FN}: cannot read ${jsonPath}: ${(e as Error).message}`);
      }
      if (modelJSON == null || typeof modelJSON !== 'object' || modelJSON.modelTopology == null) {
        throw new Error(`${FN}: ${jsonPath} has no modelTopology`);
      }
      const manifest = modelJSON.weightsManifest ?? [];
      // check every path before reading any file
      const files = manifest.flatMap((group) =>
        (group.paths ?? []).map((p) => safeJoin(FN, root, p)),
      );
      return tf.io.getModelArtifactsForJSON(modelJSON, async (weightsManifest) => {
        const specs = weightsManifest.flatMap((g) => g.weights);
        const buffers = await Promise.all(
          files.map(async (f) => {
            const b = await fs.readFile(f);
            return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
          }),
        );
        return [specs, tf.io.concatenateArrayBuffers(buffers)];
      });
    },
  };
}

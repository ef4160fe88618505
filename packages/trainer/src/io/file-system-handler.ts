import * as tf from '@tensorflow/tfjs-core';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { resolveDir, safeJoin, writeDirAtomic } from './atomic';
import { readVerified, specBytes, type FileRecord } from './integrity';

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
 *   absolute paths, `..` escapes and symbolic links that resolve outside it
 *   are refused; a missing file, or weight data shorter or longer than the
 *   manifest's shapes need, is refused with one line naming the file (never
 *   a tfjs shape error). With `options.expect` (what a checkpoint records),
 *   each named file must also have the recorded size and SHA-256.
 *
 * @example
 * ```ts
 * await encoder.save(fileSystemHandler('out/encoder'));
 * const model = await tf.loadLayersModel(fileSystemHandler('out/encoder'));
 * ```
 */
export function fileSystemHandler(
  dir: string,
  options: { expect?: Record<string, FileRecord> } = {},
): tf.io.IOHandler {
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
      const expect = options.expect ?? {};
      const text = new TextDecoder().decode(
        await readVerified(FN, root, jsonPath, expect[MODEL_JSON]),
      );
      let modelJSON: tf.io.ModelJSON;
      try {
        modelJSON = JSON.parse(text);
      } catch (e) {
        throw new Error(`${FN}: ${jsonPath} is not valid JSON: ${(e as Error).message}`);
      }
      if (modelJSON == null || typeof modelJSON !== 'object' || modelJSON.modelTopology == null) {
        throw new Error(`${FN}: ${jsonPath} has no modelTopology`);
      }
      // without a manifest tfjs would build the model and keep its initial (untrained) weights
      const manifest = modelJSON.weightsManifest;
      if (
        !Array.isArray(manifest) ||
        manifest.some((g) => !g || !Array.isArray(g.paths) || !Array.isArray(g.weights))
      ) {
        throw new Error(
          `${FN}: ${jsonPath} has no valid weightsManifest (a list of { paths, weights }); refused: it would load untrained weights`,
        );
      }
      // check every path before reading any file
      const names = manifest.flatMap((group) => group.paths);
      const files = names.map((p) => safeJoin(FN, root, p));
      const bin = path.join(root, WEIGHTS_BIN);
      if (!files.includes(bin) && (await exists(bin))) {
        throw new Error(
          `${FN}: ${jsonPath}'s weightsManifest does not name ${WEIGHTS_BIN} (it names ${names.join(', ') || 'no file'}), which lies beside it; refused`,
        );
      }
      return tf.io.getModelArtifactsForJSON(modelJSON, async (weightsManifest) => {
        const specs = weightsManifest.flatMap((g) => g.weights);
        const need = specBytes(specs);
        const buffers = await Promise.all(
          files.map(async (f) => {
            const rel = path.relative(root, f);
            // one file: its size is known from the shapes; several shards: only their total
            const bytes = files.length === 1 && expect[rel] === undefined ? need : undefined;
            const b = await readVerified(FN, root, f, expect[rel] ?? { bytes });
            return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
          }),
        );
        const total = buffers.reduce((a, b) => a + b.byteLength, 0);
        if (need !== undefined && total !== need) {
          throw new Error(
            `${FN}: the weight files of ${jsonPath} (${names.join(', ')}) hold ${total} bytes, the manifest needs ${need}: ${total < need ? 'truncated' : 'trailing data'}`,
          );
        }
        return [specs, tf.io.concatenateArrayBuffers(buffers)];
      });
    },
  };
}

async function exists(p: string): Promise<boolean> {
  return fs.lstat(p).then(
    () => true,
    () => false,
  );
}

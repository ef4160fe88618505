import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@ssl/encoders'; // registers the custom layers the topologies name
import { CONFIG_METADATA_KEY, parseExportConfig, type ExportConfig } from './config';
import { shortName } from './export-weights';
import { layoutRule } from './layout';
import { decodeSafetensors, type SafeTensorsFile } from './safetensors';

/** Options of {@link importWeights}. */
export interface ImportOptions {
  /** Which model of the file to rebuild. Default `'encoder'`. */
  model?: string;
}

const FN = 'importWeights';

/**
 * Rebuilds a tfjs Layers model from a safetensors file written by
 * {@link exportWeights} or by `ssl_torch.save_encoder` (after PyTorch
 * training): the architecture from the file's config, the weights converted
 * back from PyTorch layouts. Every tfjs weight must be in the file with the
 * right shape. The result saves with `saveModel` / `model.save` and loads with
 * `tf.loadLayersModel`.
 *
 * @example
 * ```ts
 * const encoder = await importWeights(await readFile('trained.safetensors'));
 * await saveModel(encoder, 'runs/ddp/encoder');
 * ```
 */
export async function importWeights(
  file: Uint8Array | SafeTensorsFile,
  options: ImportOptions = {},
): Promise<tfl.LayersModel> {
  const parsed = file instanceof Uint8Array ? decodeSafetensors(file) : file;
  const config = readConfig(parsed);
  const role = options.model ?? 'encoder';
  const entry = config.models[role];
  if (!entry) {
    throw new Error(
      `${FN}: the file has no model '${role}'; it holds ${Object.keys(config.models).join(', ')}`,
    );
  }
  const model = await tfl.models.modelFromJSON({
    modelTopology: entry.topology as tfl.ModelAndWeightsConfig['modelTopology'],
  });
  try {
    for (const layer of model.layers) {
      const className = layer.getClassName();
      const values = layer.weights.map((w) => {
        const tfShape = w.shape as number[];
        const short = shortName(layer.name, w.originalName);
        const rule = layoutRule(FN, className, layer.name, short);
        const key = `${entry.prefix}.${layer.name}.${rule.torch}`;
        const t = parsed.tensors.get(key);
        if (!t) throw new Error(`${FN}: the file lacks tensor '${key}' (weight ${w.originalName})`);
        const data = Float32Array.from(t.data);
        const bad = data.findIndex((x) => !Number.isFinite(x));
        if (bad >= 0) {
          // a diverged or damaged model: refused, never imported to score at chance
          throw new Error(
            `${FN}: tensor '${key}' holds a non-finite value (${data[bad]} at index ${bad}); refused`,
          );
        }
        const back = rule.fromTorch({ shape: t.shape, data }, tfShape);
        if (back.shape.join(',') !== tfShape.join(',') || back.data.length !== size(tfShape)) {
          throw new Error(
            `${FN}: tensor '${key}' has shape [${t.shape}], which does not give ${w.originalName}'s [${w.shape}]`,
          );
        }
        return tf.tensor(back.data, tfShape, 'float32');
      });
      if (values.length > 0) {
        layer.setWeights(values);
        tf.dispose(values);
      }
    }
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}

/** The {@link ExportConfig} inside a decoded safetensors file. */
export function readConfig(file: SafeTensorsFile): ExportConfig {
  const raw = file.metadata[CONFIG_METADATA_KEY];
  if (raw === undefined) {
    throw new Error(
      `${FN}: the safetensors file has no '${CONFIG_METADATA_KEY}' metadata; write it with exportWeights or ssl_torch.save_encoder`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (e) {
    throw new Error(
      `${FN}: metadata '${CONFIG_METADATA_KEY}' is not JSON (${(e as Error).message})`,
    );
  }
  return parseExportConfig(FN, json);
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

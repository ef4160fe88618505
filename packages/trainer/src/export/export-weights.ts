import type * as tfl from '@tensorflow/tfjs-layers';
import {
  CONFIG_METADATA_KEY,
  EXPORT_FORMAT,
  EXPORT_VERSION,
  type ExportConfig,
  type ExportedModelConfig,
} from './config';
import { layoutRule } from './layout';
import { encodeSafetensors, type SafeTensor } from './safetensors';

/** Options of {@link exportWeights}. */
export interface ExportOptions {
  /** The only format: `'safetensors'` (PyTorch names and layouts). Default `'safetensors'`. */
  format?: 'safetensors';
  /** File name of a tokenizer that will be copied beside the weights; recorded in the config. Default: none. */
  tokenizer?: string;
}

/** What {@link exportWeights} returns: the safetensors bytes and the config inside them. */
export interface ExportedWeights {
  bytes: Uint8Array;
  config: ExportConfig;
}

const FN = 'exportWeights';
const ROLE = /^[a-z][a-z0-9_]*$/;

/**
 * Converts tfjs Layers models (an encoder, and optionally heads) into one
 * safetensors file with PyTorch names and layouts (see `layout.ts`): tensor
 * `<role>.<layer>.<weight>`, e.g. `encoder.conv_encoder_conv1.weight`
 * `[out, in, kh, kw]`, `projection_head.projection_head_bn1.running_var`. The
 * architecture (each model's Layers topology) travels in the file's metadata.
 * Pass one model for `{ encoder: model }`.
 *
 * @example
 * ```ts
 * const { bytes } = exportWeights({ encoder, projection_head: head });
 * await writeFile('encoder.safetensors', bytes); // ssl_torch.load_encoder('encoder.safetensors')
 * ```
 */
export function exportWeights(
  models: tfl.LayersModel | Record<string, tfl.LayersModel>,
  options: ExportOptions = {},
): ExportedWeights {
  const format = options.format ?? 'safetensors';
  if (format !== 'safetensors') {
    throw new Error(`${FN}: options.format must be 'safetensors', got ${JSON.stringify(format)}`);
  }
  const byRole: Record<string, tfl.LayersModel> = isModel(models) ? { encoder: models } : models;
  if (byRole === null || typeof byRole !== 'object' || Object.keys(byRole).length === 0) {
    throw new Error(`${FN}: models must be a LayersModel or { role: LayersModel }, got nothing`);
  }
  const tensors: [string, SafeTensor][] = [];
  const configs: Record<string, ExportedModelConfig> = {};
  for (const [role, model] of Object.entries(byRole)) {
    if (!ROLE.test(role)) {
      throw new Error(
        `${FN}: model role '${role}' must match ${ROLE} (e.g. encoder, projection_head)`,
      );
    }
    if (!isModel(model)) throw new Error(`${FN}: models.${role} is not a tfjs LayersModel`);
    for (const layer of model.layers) {
      if (isModel(layer)) {
        throw new Error(
          `${FN}: layer '${layer.name}' of models.${role} is itself a model; export the inner models separately`,
        );
      }
      const className = layer.getClassName();
      const values = layer.getWeights();
      layer.weights.forEach((w, i) => {
        const short = shortName(layer.name, w.originalName);
        const rule = layoutRule(FN, className, layer.name, short);
        const t = rule.toTorch({
          shape: w.shape as number[],
          data: values[i].dataSync() as Float32Array,
        });
        tensors.push([`${role}.${layer.name}.${rule.torch}`, { dtype: 'float32', ...t }]);
      });
    }
    configs[role] = {
      prefix: role,
      topology: model.toJSON(null, false) as Record<string, unknown>,
      outputShapes: Object.fromEntries(model.layers.map((l) => [l.name, l.outputShape])),
      imageLayout: 'NCHW',
    };
  }
  const config: ExportConfig = { format: EXPORT_FORMAT, version: EXPORT_VERSION, models: configs };
  if (options.tokenizer) config.tokenizer = options.tokenizer;
  const bytes = encodeSafetensors(tensors, { [CONFIG_METADATA_KEY]: JSON.stringify(config) });
  return { bytes, config };
}

/** `kernel` from `conv1/kernel` (the weight's name inside its layer). */
export function shortName(layerName: string, originalName: string): string {
  return originalName.startsWith(`${layerName}/`)
    ? originalName.slice(layerName.length + 1)
    : originalName.slice(originalName.lastIndexOf('/') + 1);
}

function isModel(x: unknown): x is tfl.LayersModel {
  return (
    x !== null &&
    typeof x === 'object' &&
    Array.isArray((x as tfl.LayersModel).layers) &&
    typeof (x as tfl.LayersModel).toJSON === 'function'
  );
}

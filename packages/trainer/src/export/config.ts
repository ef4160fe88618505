/** `format` tag and version of the architecture config that travels with the weights. */
export const EXPORT_FORMAT = 'ssl-torch';
export const EXPORT_VERSION = 1;
/** The safetensors `__metadata__` key that holds the config (as JSON). */
export const CONFIG_METADATA_KEY = 'ssl_config';

/** One exported model: its tfjs Layers topology (Keras JSON) and where its tensors live. */
export interface ExportedModelConfig {
  /** Prefix of this model's tensors in the safetensors file (`<prefix>.<layer>.<weight>`). */
  prefix: string;
  /** `model.toJSON(null, false)`: class, layers, their configs and connections. */
  topology: Record<string, unknown>;
  /** Each layer's tfjs (channels-last) output shape, batch as null: the PyTorch side sizes its modules from it. */
  outputShapes: Record<string, (number | null)[] | (number | null)[][]>;
  /** Layout of image inputs on the PyTorch side (tfjs is always NHWC). */
  imageLayout: 'NCHW';
}

/**
 * The architecture config written beside the weights (`<file>.json`, and inside
 * the safetensors metadata under {@link CONFIG_METADATA_KEY}); the Python
 * package `ssl_torch` builds its `torch.nn.Module`s from it.
 */
export interface ExportConfig {
  format: typeof EXPORT_FORMAT;
  version: number;
  /** Models by role: `encoder`, and optionally `projection_head`, `prediction_head`. */
  models: Record<string, ExportedModelConfig>;
  /** File name of the WordPiece tokenizer copied beside the weights (Transformer encoders). */
  tokenizer?: string;
}

/** Checks that `json` is an {@link ExportConfig}; `fn` names the caller in errors. */
export function parseExportConfig(fn: string, json: unknown): ExportConfig {
  const c = json as ExportConfig;
  if (c === null || typeof c !== 'object' || c.format !== EXPORT_FORMAT) {
    throw new Error(
      `${fn}: expected an '${EXPORT_FORMAT}' config, got format ${JSON.stringify((c as { format?: unknown })?.format)}`,
    );
  }
  if (c.version !== EXPORT_VERSION) {
    throw new Error(
      `${fn}: config version ${c.version} is not supported (expected ${EXPORT_VERSION})`,
    );
  }
  if (c.models === null || typeof c.models !== 'object' || Object.keys(c.models).length === 0) {
    throw new Error(`${fn}: the config lists no models`);
  }
  return c;
}

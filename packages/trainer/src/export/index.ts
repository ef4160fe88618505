// PyTorch hand-off: safetensors with PyTorch names and layouts (browser-safe part).
export { exportWeights, type ExportOptions, type ExportedWeights } from './export-weights';
export { importWeights, readConfig, type ImportOptions } from './import-weights';
export {
  encodeSafetensors,
  decodeSafetensors,
  type SafeTensor,
  type SafeTensorsFile,
} from './safetensors';
export {
  EXPORT_FORMAT,
  EXPORT_VERSION,
  CONFIG_METADATA_KEY,
  type ExportConfig,
  type ExportedModelConfig,
} from './config';

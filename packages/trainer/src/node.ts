// Node-only surface of @ssl/trainer: file I/O, checkpoints, terminal and file callbacks.
export { fileSystemHandler, MODEL_JSON, WEIGHTS_BIN } from './io/file-system-handler';
export { saveModel, loadModel } from './io/model-io';
export {
  saveCheckpoint,
  restoreCheckpoint,
  readCheckpointInfo,
  nodeCheckpointIO,
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  type CheckpointJSON,
} from './io/checkpoint';
export { writeFileAtomic, writeDirAtomic } from './io/atomic';
export { progressBar, type ProgressBarOptions } from './callbacks/progress-bar';
export { metricsLog, type MetricsLogOptions } from './callbacks/metrics-log';
export {
  parseCommandLine,
  formatFlags,
  UsageError,
  type Flag,
  type FlagSpec,
  type FlagType,
  type Values,
} from './cli/command-line';
export { writeExport, readExport, configPath, type WriteExportOptions } from './export/files';
export { checkpoint, type CheckpointOptions } from './callbacks/node-checkpoint';
export {
  nodeSpawner,
  nodeWorkerHandle,
  nodeWorkerScript,
  availableCores,
} from './workers/node-spawn';

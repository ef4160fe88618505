// Public surface of @ssl/trainer (browser-safe: Node-only pieces live in ./node).

// --- pretraining, methods, optimizers, schedules, callbacks (owned by the trainer core) ---
export { pretrain, type PretrainOptions, type PretrainResult, type StepRecord } from './pretrain';
export { resolveWorkers, type WorkerOptions } from './workers/start';
export type { WorkerHandle, WorkerSpawner, ExchangeStats } from './workers/pool';
export { webWorkerHandle, type WebWorkerLike } from './workers/web-worker';
export { type PretrainData, type ExampleDataset } from './batches';
export type {
  Method,
  AnyMethod,
  Batch,
  Tensors,
  LossResult,
  MethodState,
  BuildContext,
  StepContext,
} from './methods/method';
export {
  defineMethod,
  type MethodParts,
  type MethodSpec,
  type Built,
} from './methods/define-method';
export {
  METHOD_REGISTRY,
  METHOD_NAMES,
  methodEntry,
  createMethod,
  parseMethodOptions,
  registerMethod,
} from './methods/registry';
export type { MethodEntry, OptionSpec } from './methods/method-entry';
export type { ViewOptions, ProjectorOptions } from './methods/options';
export { simclr, type SimclrOptions } from './methods/simclr';
export { moco, type MocoOptions } from './methods/moco';
export { byol, byolMomentum, type ByolOptions } from './methods/byol';
export { simsiam, type SimsiamOptions } from './methods/simsiam';
export { barlowTwins, type BarlowTwinsOptions } from './methods/barlow-twins';
export { vicreg, type VicregOptions } from './methods/vicreg';
export { dino, dinoTeacherTemperature, type DinoOptions } from './methods/dino';
export { nnclr, type NnclrOptions } from './methods/nnclr';
export { mlm, type MlmOptions, type MlmTokenInfo, type MlmMethod } from './methods/mlm';
export { defaultAugment, imageViews, batchImages } from './methods/views';
export { cloneModel, emaUpdate } from './methods/momentum-model';
export { lars, Lars, type LarsOptions } from './optimizers/lars';
export { setLearningRate, getLearningRate } from './optimizers/learning-rate';
export { warmupCosine, type WarmupCosineOptions } from './schedules/warmup-cosine';
export {
  constantLr,
  type Schedule,
  type ScheduleFactory,
  type RunLength,
} from './schedules/schedule';
export type {
  Callback,
  StepLogs,
  EpochLogs,
  TrainBeginInfo,
  TrainEndInfo,
  TrainControl,
  RunAccess,
} from './callbacks/callback';
export { checkpointCallback, type CheckpointCallbackOptions } from './callbacks/checkpoint';
export { stopOnNaN } from './callbacks/stop-on-nan';
export {
  finiteGuard,
  uniformLoss,
  type FiniteGuard,
  type FiniteGuardOptions,
  type StepAt,
} from './guards/finite-guard';
export type { CheckpointIO, CheckpointParts, RunState } from './checkpoint-io';

// --- evaluation: kNN, linear probe, fine-tune, label selection (owned by evaluation) ---
export {
  selectLabelled,
  embed,
  knnAccuracy,
  linearProbe,
  fineTune,
  type SelectLabelledOptions,
  type EmbedOptions,
  type EmbedInputs,
  type EmbedDataset,
  type KnnOptions,
  type LinearProbeOptions,
  type LinearProbeResult,
  type FineTuneOptions,
  type FineTuneResult,
  type BatchAugment,
  type LabelledSet,
  loadClassifier,
  knnClassifier,
  createClassifier,
  classifierMetadata,
  CLASSIFIER_METADATA_KEY,
  KnnVote,
  Standardize,
  type Classifier,
  type ClassifierKind,
  type ClassifierMetadata,
  type ClassifierEncoderInfo,
  type ClassifyOptions,
  type ClassifierParts,
  type KnnClassifierOptions,
  type KnnVoteArgs,
  type StandardizeArgs,
  fixMatch,
  fixMatchLoss,
  stopGradient,
  fixMatchWeakView,
  fixMatchStrongView,
  tokenMaskingView,
  type FixMatchOptions,
  type FixMatchProgress,
  type FixMatchLossOptions,
  type FixMatchLossTerms,
  type ViewAugment,
  type FixMatchStrongViewOptions,
  type TokenMaskingViewOptions,
} from './evaluation';

// --- PyTorch hand-off: safetensors export / import (owned by export) ---
export {
  exportWeights,
  importWeights,
  readConfig,
  encodeSafetensors,
  decodeSafetensors,
  EXPORT_FORMAT,
  EXPORT_VERSION,
  CONFIG_METADATA_KEY,
  type ExportOptions,
  type ExportedWeights,
  type ImportOptions,
  type SafeTensor,
  type SafeTensorsFile,
  type ExportConfig,
  type ExportedModelConfig,
} from './export';

// --- semi-supervised: distillation on unlabeled data (SimCLRv2 step 3) ---
export {
  distill,
  type DistillOptions,
  type DistillResult,
  type DistillEpoch,
  type DistillTeacher,
} from './evaluation/distill';

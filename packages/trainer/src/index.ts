// Public surface of @ssl/trainer (browser-safe: Node-only pieces live in ./node).

// --- pretraining, methods, optimizers, schedules, callbacks (owned by the trainer core) ---
export { pretrain, type PretrainOptions, type PretrainResult, type StepRecord } from './pretrain';
export { type PretrainData } from './batches';
export type { Method, MethodState, BuildContext, StepContext } from './methods/method';
export type { ViewOptions, ProjectorOptions } from './methods/options';
export { simclr, type SimclrOptions } from './methods/simclr';
export { moco, type MocoOptions } from './methods/moco';
export { byol, byolMomentum, type ByolOptions } from './methods/byol';
export { simsiam, type SimsiamOptions } from './methods/simsiam';
export { barlowTwins, type BarlowTwinsOptions } from './methods/barlow-twins';
export { vicreg, type VicregOptions } from './methods/vicreg';
export { mlm, type MlmOptions, type MlmTokenInfo } from './methods/mlm';
export { defaultAugment } from './methods/views';
export { cloneModel, emaUpdate } from './methods/momentum-model';
export { lars, Lars, type LarsOptions } from './optimizers/lars';
export { setLearningRate, getLearningRate } from './optimizers/learning-rate';
export { warmupCosine, type WarmupCosineOptions } from './schedules/warmup-cosine';
export type { Schedule } from './schedules/schedule';
export type {
  Callback,
  StepLogs,
  EpochLogs,
  TrainBeginInfo,
  TrainEndInfo,
  TrainControl,
} from './callbacks/callback';
export { stopOnNaN } from './callbacks/stop-on-nan';
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
  type KnnOptions,
  type LinearProbeOptions,
  type LinearProbeResult,
  type FineTuneOptions,
  type FineTuneResult,
  type BatchAugment,
  type LabelledSet,
} from './evaluation';
export {
  distill,
  type DistillOptions,
  type DistillResult,
  type DistillEpoch,
  type DistillTeacher,
} from './evaluation/distill';

// Evaluation of frozen and fine-tuned encoders with few labels.
export { selectLabelled, type SelectLabelledOptions } from './select-labelled';
export { embed, type EmbedOptions, type EmbedInputs } from './embed';
export { knnAccuracy, type KnnOptions } from './knn';
export { linearProbe, type LinearProbeOptions, type LinearProbeResult } from './linear-probe';
export {
  fineTune,
  type FineTuneOptions,
  type FineTuneResult,
  type BatchAugment,
} from './fine-tune';
export { type LabelledSet } from './labelled-set';

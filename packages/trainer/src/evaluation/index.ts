// Evaluation of frozen and fine-tuned encoders with few labels.
export { selectLabelled, type SelectLabelledOptions } from './select-labelled';
export { embed, type EmbedOptions, type EmbedInputs, type EmbedDataset } from './embed';
export { knnAccuracy, type KnnOptions } from './knn';
export { linearProbe, type LinearProbeOptions, type LinearProbeResult } from './linear-probe';
export {
  fineTune,
  type FineTuneOptions,
  type FineTuneResult,
  type BatchAugment,
} from './fine-tune';
export { type LabelledSet } from './labelled-set';
export {
  createClassifier,
  classifierMetadata,
  CLASSIFIER_METADATA_KEY,
  type Classifier,
  type ClassifierKind,
  type ClassifierMetadata,
  type ClassifierEncoderInfo,
  type ClassifyOptions,
  type ClassifierParts,
} from './classifier';
export { loadClassifier } from './load-classifier';
export { knnClassifier, type KnnClassifierOptions } from './knn-classifier';
export { KnnVote, type KnnVoteArgs } from './knn-layer';
export { Standardize, type StandardizeArgs } from './standardize-layer';
export { fixMatch, type FixMatchOptions, type FixMatchProgress } from './fixmatch';
export {
  fixMatchLoss,
  stopGradient,
  type FixMatchLossOptions,
  type FixMatchLossTerms,
} from './fixmatch-loss';
export {
  fixMatchWeakView,
  fixMatchStrongView,
  tokenMaskingView,
  type ViewAugment,
  type FixMatchStrongViewOptions,
  type TokenMaskingViewOptions,
} from './fixmatch-views';

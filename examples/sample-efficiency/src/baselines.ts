import * as tf from '@tensorflow/tfjs-core';
import { convEncoder } from '@ssl/encoders';
import { fineTune, type BatchAugment } from '@ssl/trainer';

import type * as tfl from '@tensorflow/tfjs-layers';
import type { StudyConfig, TrainLabelsConfig } from './config';
import { studyVit, type MaeStageConfig } from './mae-stage';
import type { Draw } from './distill-stage';
import type { ResultRow } from './results';

/** The strong from-scratch baseline: the study's CNN with batch norm, its own (tuned) budget. */
export interface ScratchBnConfig {
  filters: [number, number, number];
  /** Per labels-per-class setting; tuned on its own, not tied to the fine-tuning budget. */
  train: Record<number, TrainLabelsConfig>;
}

export const SCRATCH_BN_NAME = 'CNN + batch norm from scratch (same augmentations, tuned)';

export interface ScratchBnInput {
  config: ScratchBnConfig;
  draws: Draw[];
  trainImages: tf.Tensor4D;
  trainLabels: tf.Tensor1D;
  test: { images: tf.Tensor4D; labels: tf.Tensor1D };
  augment: BatchAugment;
  record: (row: ResultRow) => Promise<void>;
  onDraw: (done: number, detail: string) => void;
}

/** What both from-scratch baselines share: the draws, the data, where rows go. */
type DrawInput = Omit<ScratchBnInput, 'config'>;

/**
 * For every draw: a fresh encoder (`encoderFor(seed)`) plus a random linear
 * head, trained by `fineTune` on the labelled images only with the study's
 * augmentations and the draw's budget, scored on the test digits as `method`.
 */
async function trainEachDraw(
  input: DrawInput,
  method: string,
  budget: Record<number, TrainLabelsConfig>,
  encoderFor: (seed: number) => tfl.LayersModel,
  // false: the labelled images as they are (no augmentation)
  augmented = true,
): Promise<void> {
  const { draws, trainImages, trainLabels, test, augment } = input;
  for (const [i, d] of draws.entries()) {
    const c = budget[d.lpc];
    const n = d.idx.length;
    const encoder = encoderFor(d.seed);
    const idx = tf.tensor1d(d.idx, 'int32');
    const train = {
      images: tf.gather(trainImages, idx) as tf.Tensor4D,
      labels: tf.gather(trainLabels, idx) as tf.Tensor1D,
    };
    idx.dispose();
    const t = Date.now();
    const r = await fineTune({
      encoder,
      train,
      test,
      epochs: Math.max(1, Math.ceil((c.steps * c.batchSize) / n)),
      lr: c.lr,
      batchSize: Math.min(c.batchSize, n),
      ...(augmented ? { augment } : {}),
      seed: d.seed,
      headInit: 'random',
    });
    await input.record({
      method,
      labelsPerClass: d.lpc,
      seed: d.seed,
      accuracy: r.accuracy,
      seconds: (Date.now() - t) / 1000,
    });
    r.classifier.dispose();
    tf.dispose([train.images, train.labels]);
    encoder.dispose();
    input.onDraw(
      (i + 1) / draws.length,
      `${d.lpc}/class seed ${d.seed}: ${(100 * r.accuracy).toFixed(1)}%`,
    );
  }
}

/** `[height, width, channels]` of the data set's images (the encoders' input shape). */
function imageShape(input: DrawInput): [number, number, number] {
  return input.trainImages.shape.slice(1) as [number, number, number];
}

/**
 * The same conv encoder *with* batch norm, freshly initialised, plus a linear
 * head, trained by `fineTune` on the labelled images only with the study's
 * augmentations and precise batch-norm statistics at the end: the fairest
 * "no pretraining" comparison the study has (issue 12).
 */
export async function runScratchBn(input: ScratchBnInput): Promise<void> {
  const { filters, train } = input.config;
  await trainEachDraw(input, 'scratch-bn', train, (seed) =>
    convEncoder({ filters, batchNorm: true, inputShape: imageShape(input), seed: 2000 + seed }),
  );
}

export interface ScratchInput extends DrawInput {
  config: StudyConfig;
}

/**
 * The same CNN as the pretrained encoder (the study's `config.encoder`),
 * freshly initialised, plus a random linear head, trained by `fineTune` on
 * the labelled images only with the fine-tuning budget and augmentations.
 */
export async function runScratch(input: ScratchInput): Promise<void> {
  const { encoder, train } = input.config;
  await trainEachDraw(input, 'scratch', train, (seed) =>
    convEncoder({
      filters: encoder.filters,
      batchNorm: encoder.batchNorm,
      inputShape: imageShape(input),
      seed: 1000 + seed,
    }),
  );
}

export interface VitScratchInput extends DrawInput {
  config: MaeStageConfig;
}

/**
 * The ViT of the MAE rows, freshly initialised, plus a random linear head,
 * trained by `fineTune` on the labelled images only with the budget of
 * "MAE → fine-tune": what MAE pretraining adds to that ViT. Without the
 * study's augmentations unless `config.scratchAugment` (they cost the
 * ViT from scratch up to 39 points: see the config).
 */
export async function runVitScratch(input: VitScratchInput): Promise<void> {
  const { config } = input;
  await trainEachDraw(
    input,
    'vit-scratch',
    config.train,
    (seed) => studyVit(config, imageShape(input), 4000 + seed),
    config.scratchAugment === true,
  );
}

import * as tf from '@tensorflow/tfjs-core';
import { convEncoder } from '@ssl/encoders';
import { fineTune, type BatchAugment } from '@ssl/trainer';

import type { StudyConfig, TrainLabelsConfig } from './config';
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

/**
 * The same conv encoder *with* batch norm, freshly initialised, plus a linear
 * head, trained by `fineTune` on the labelled images only with the study's
 * augmentations and precise batch-norm statistics at the end: the fairest
 * "no pretraining" comparison the study has (issue 12).
 */
export async function runScratchBn(input: ScratchBnInput): Promise<void> {
  const { config, draws, trainImages, trainLabels, test, augment } = input;
  for (const [i, d] of draws.entries()) {
    const c = config.train[d.lpc];
    const n = d.idx.length;
    const encoder = convEncoder({ filters: config.filters, batchNorm: true, seed: 2000 + d.seed });
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
      augment,
      seed: d.seed,
    });
    await input.record({
      method: 'scratch-bn',
      labelsPerClass: d.lpc,
      seed: d.seed,
      accuracy: r.accuracy,
      seconds: (Date.now() - t) / 1000,
    });
    tf.dispose([train.images, train.labels]);
    encoder.dispose();
    input.onDraw(
      (i + 1) / draws.length,
      `${d.lpc}/class seed ${d.seed}: ${(100 * r.accuracy).toFixed(1)}%`,
    );
  }
}

export interface ScratchInput {
  config: StudyConfig;
  draws: Draw[];
  trainImages: tf.Tensor4D;
  trainLabels: tf.Tensor1D;
  test: { images: tf.Tensor4D; labels: tf.Tensor1D };
  augment: BatchAugment;
  record: (row: ResultRow) => Promise<void>;
  onDraw: (done: number, detail: string) => void;
}

/**
 * The same CNN as the pretrained encoder (the study's `config.encoder`),
 * freshly initialised, plus a random linear head, trained by `fineTune` on
 * the labelled images only with the fine-tuning budget and augmentations.
 */
export async function runScratch(input: ScratchInput): Promise<void> {
  const { config, draws, trainImages, trainLabels, test, augment } = input;
  for (const [i, d] of draws.entries()) {
    const c = config.train[d.lpc];
    const n = d.idx.length;
    const encoder = convEncoder({
      filters: config.encoder.filters,
      batchNorm: config.encoder.batchNorm,
      seed: 1000 + d.seed,
    });
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
      augment,
      seed: d.seed,
      headInit: 'random',
    });
    await input.record({
      method: 'scratch',
      labelsPerClass: d.lpc,
      seed: d.seed,
      accuracy: r.accuracy,
      seconds: (Date.now() - t) / 1000,
    });
    tf.dispose([train.images, train.labels]);
    encoder.dispose();
    input.onDraw(
      (i + 1) / draws.length,
      `${d.lpc}/class seed ${d.seed}: ${(100 * r.accuracy).toFixed(1)}%`,
    );
  }
}

import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { vit, type VitOptions } from '@ssl/encoders';
import { mae, pretrain, type Callback, type MaeOptions } from '@ssl/trainer';

import type { TrainLabelsConfig } from './config';

/**
 * Settings of the study's masked-image-modeling rows (issue 24): MAE on a
 * small Vision Transformer, then fine-tuning (and FixMatch) from it, against
 * the same ViT trained from scratch on the labels.
 */
export interface MaeStageConfig {
  /**
   * The ViT (`vit()` of @ssl/encoders) without its input shape and seed. Its
   * `patchSize` is the preferred side: when it does not divide the images'
   * height and width, the largest side ≤ it that divides both is used
   * ({@link vitPatchSize}).
   */
  encoder: Omit<VitOptions, 'inputShape' | 'seed' | 'name'> & { patchSize: number };
  /** Options of the `mae()` method (mask ratio, decoder, targets). */
  method: MaeOptions;
  /** Passes over the unlabelled train images (a fixed count, not a time budget: same seed, same numbers). */
  epochs: number;
  batchSize: number;
  /** Constant Adam learning rate of pretraining. */
  lr: number;
  /** "MAE → fine-tune" and "ViT from scratch": per labels-per-class setting (the study's augmentations for MAE). */
  train: Record<number, TrainLabelsConfig>;
  /**
   * How "MAE → fine-tune" starts its head: `'probe'` (LP-FT, as the SimCLR row) or `'random'`
   * (MAE's paper). Default 'probe' (see FULL in config.ts).
   */
  headInit?: 'random' | 'probe';
  /** The same ViT from scratch on the labels alone with the same budget (on the baseline thread). Default true. */
  scratch?: boolean;
  /**
   * Whether the ViT from scratch trains on the study's augmentations, as "MAE → fine-tune" does.
   * Default false: its better choice (see FULL in config.ts).
   */
  scratchAugment?: boolean;
  /** "MAE → FixMatch" at these settings with the study's `fixMatch` settings and seeds; absent or empty: not run. */
  fixMatchLabelsPerClass?: number[];
}

/** Display names of the MAE rows. */
export const MAE_NAMES: Record<string, string> = {
  'mae-knn': 'MAE (ViT), kNN',
  'mae-probe': 'MAE (ViT), linear probe',
  'mae-finetune': 'MAE (ViT) → fine-tune',
  'mae-fixmatch': 'MAE (ViT) → FixMatch',
  'vit-scratch': 'ViT from scratch (same budget as MAE → fine-tune, no augmentation)',
};

/**
 * The patch side for `[height, width]` images: `preferred` when it divides
 * both, else the largest smaller side ≥ 2 that does. Throws (naming the
 * shape) when none does, e.g. for a prime side.
 */
export function vitPatchSize(height: number, width: number, preferred: number): number {
  for (let p = Math.min(preferred, height, width); p >= 2; p--) {
    if (height % p === 0 && width % p === 0) return p;
  }
  throw new Error(
    `vitPatchSize: no patch side between 2 and ${preferred} divides images of ${height}×${width}; the MAE rows need one (drop mae from the study's config)`,
  );
}

/** The study's ViT for images of `inputShape`, seeded: its config with the patch side fitted to the images. */
export function studyVit(
  config: MaeStageConfig,
  inputShape: [number, number, number],
  seed: number,
): tfl.LayersModel {
  const patchSize = vitPatchSize(inputShape[0], inputShape[1], config.encoder.patchSize);
  return vit({ ...config.encoder, patchSize, inputShape, seed });
}

export interface MaePretrainInput {
  config: MaeStageConfig;
  images: tf.Tensor4D;
  /** `pretrain({ workers })`. */
  workers: number;
  /** Seed of the ViT's initial weights; the masks use seed 1 as the other pretraining runs. */
  seed: number;
  callbacks: Callback[];
}

/** What MAE pretraining returns: the encoder (the caller disposes it) and what was measured. */
export interface MaePretrainOutput {
  encoder: tfl.LayersModel;
  steps: number;
  seconds: number;
  imagesPerSec: number;
  finalLoss: number;
}

/**
 * MAE pretraining of {@link studyVit} on `images` for `config.epochs` epochs
 * (Adam, constant learning rate). A run that stops early (a non-finite loss)
 * throws, as the other pretraining runs of the study do.
 */
export async function pretrainMae(input: MaePretrainInput): Promise<MaePretrainOutput> {
  const { config } = input;
  const encoder = studyVit(
    config,
    input.images.shape.slice(1) as [number, number, number],
    input.seed,
  );
  const method = mae(config.method);
  const optimizer = tf.train.adam(config.lr);
  let finalLoss = NaN;
  try {
    const result = await pretrain({
      method,
      encoder,
      data: input.images,
      epochs: config.epochs,
      batchSize: config.batchSize,
      optimizer,
      seed: 1,
      workers: input.workers,
      callbacks: [...input.callbacks, { onStepEnd: (l) => void (finalLoss = l.loss) }],
    });
    if (result.stopReason) throw new Error(`pretraining mae stopped: ${result.stopReason}`);
    return {
      encoder,
      steps: result.steps,
      seconds: result.seconds,
      imagesPerSec: result.imagesPerSec,
      finalLoss,
    };
  } catch (e) {
    encoder.dispose();
    throw e;
  } finally {
    method.dispose();
    optimizer.dispose();
  }
}

/** Optimizer steps of MAE pretraining on `nImages` images (whole batches per epoch), for the progress plan. */
export function maePretrainSteps(config: MaeStageConfig, nImages: number): number {
  return config.epochs * Math.floor(nImages / config.batchSize);
}

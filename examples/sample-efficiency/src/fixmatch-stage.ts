import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { compose, horizontalFlip } from '@ssl/augment';
import { fixMatch, fixMatchStrongView, fixMatchWeakView, type ViewAugment } from '@ssl/trainer';

import { equalComputeSteps, fixMatchPassesPerStep, pretrainPasses } from './compute';
import type { StudyConfig } from './config';
import type { Draw } from './distill-stage';
import type { ResultRow } from './results';

/** Settings of the FixMatch rows ("pretrained → FixMatch" and "FixMatch from scratch"). */
export interface FixMatchConfig {
  /** Labels-per-class settings of "pretrained → FixMatch" (the costliest rows: a subset of the study's). */
  labelsPerClass: number[];
  /** Labels-per-class settings of "FixMatch from scratch" (each draw costs a whole pretraining). */
  scratchLabelsPerClass: number[];
  /** Label-draw seeds of both rows (a subset of the study's). */
  seeds: number[];
  /** Steps of "pretrained → FixMatch"; FixMatch from scratch gets these plus the pretraining's compute. */
  steps: number;
  /** Labelled examples per step B. */
  batchSize: number;
  /** Unlabelled examples per labelled one μ. */
  mu: number;
  /** Confidence threshold τ of the pseudo-labels. */
  threshold: number;
  /** Weight λ of the unlabelled loss. */
  lambda: number;
  /** Peak SGD learning rate (cosine decay). */
  lr: number;
}

export const FIXMATCH_NAMES: Record<string, string> = {
  fixmatch: 'FixMatch from scratch (same CNN, same compute as pretraining + FixMatch)',
};

/** The display name of "<method> → FixMatch". */
export const pretrainedFixMatchName = (label: string) => `${label} → FixMatch`;

/**
 * FixMatch steps of the from-scratch row: the image passes of the first
 * pretraining (`pretrainSteps` of the study's config, two views) plus those
 * of the pretrained row's FixMatch, in FixMatch steps (`compute.ts`).
 */
export function scratchFixMatchSteps(config: StudyConfig, nPretrain: number): number {
  const fm = config.fixMatch!;
  const p = config.pretrain[0];
  const pretrainSteps = p.epochs * Math.floor(nPretrain / p.batchSize);
  const passes =
    pretrainPasses(pretrainSteps, p.batchSize) +
    fm.steps * fixMatchPassesPerStep(fm.batchSize, fm.mu);
  return equalComputeSteps(passes, fm.batchSize, fm.mu);
}

/** FixMatch's weak and strong views of images, with a horizontal flip first when the data set allows it. */
export function fixMatchViews(flip: boolean): { weak: ViewAugment; strong: ViewAugment } {
  const withFlip = (a: ReturnType<typeof fixMatchWeakView>) =>
    flip ? compose([horizontalFlip({ p: 0.5 }), a]) : a;
  return { weak: withFlip(fixMatchWeakView()), strong: withFlip(fixMatchStrongView()) };
}

export interface FixMatchStageInput {
  /** Row id: 'fixmatch' (from scratch) or '<method>-fixmatch'. */
  method: string;
  /** A pretrained encoder (copied by fixMatch) or a factory of fresh ones. */
  encoder: tfl.LayersModel | ((seed: number) => tfl.LayersModel);
  steps: number;
  config: FixMatchConfig;
  /** The study's draws; those at `labelsPerClass` with a seed in `config.seeds` run. */
  draws: Draw[];
  labelsPerClass: number[];
  trainImages: tf.Tensor4D;
  trainLabels: tf.Tensor1D;
  unlabelled: tf.Tensor4D;
  test: { images: tf.Tensor4D; labels: tf.Tensor1D };
  flip: boolean;
  record: (row: ResultRow) => Promise<void>;
  onDraw: (done: number, detail: string) => void;
}

/** Runs FixMatch on each selected draw and records its test accuracy. */
export async function runFixMatchStage(input: FixMatchStageInput): Promise<void> {
  const { config, draws, trainImages, trainLabels, test } = input;
  const chosen = draws.filter(
    (d) => input.labelsPerClass.includes(d.lpc) && config.seeds.includes(d.seed),
  );
  const { weak, strong } = fixMatchViews(input.flip);
  for (const [i, d] of chosen.entries()) {
    const idx = tf.tensor1d(d.idx, 'int32');
    const labelled = {
      images: tf.gather(trainImages, idx) as tf.Tensor4D,
      labels: tf.gather(trainLabels, idx) as tf.Tensor1D,
    };
    idx.dispose();
    const t = Date.now();
    const classifier = await fixMatch({
      encoder: input.encoder,
      labelled,
      unlabelled: input.unlabelled,
      steps: input.steps,
      batchSize: config.batchSize,
      mu: config.mu,
      threshold: config.threshold,
      lambda: config.lambda,
      lr: config.lr,
      weakAugment: weak,
      strongAugment: strong,
      seed: d.seed,
      onProgress: (p) => {
        if (p.step % 10 === 0 || p.step === p.steps - 1) {
          input.onDraw(
            (i + (p.step + 1) / p.steps) / chosen.length,
            `${d.lpc}/class seed ${d.seed}: step ${p.step + 1}/${p.steps}, mask ${(100 * p.maskRate).toFixed(0)}%`,
          );
        }
      },
    });
    const accuracy = await classifier.evaluate(test);
    classifier.dispose();
    await input.record({
      method: input.method,
      labelsPerClass: d.lpc,
      seed: d.seed,
      accuracy,
      seconds: (Date.now() - t) / 1000,
    });
    tf.dispose([labelled.images, labelled.labels]);
    input.onDraw(
      (i + 1) / chosen.length,
      `${d.lpc}/class seed ${d.seed}: ${(100 * accuracy).toFixed(1)}%`,
    );
  }
}

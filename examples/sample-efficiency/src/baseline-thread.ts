/**
 * The from-scratch baselines of the study (the CNN, the CNN with batch norm,
 * FixMatch from scratch and the ViT of the MAE rows) in a worker thread of their own, so that they run on the core the
 * single-thread stages of the main thread leave idle. Same code, same seeds,
 * same numbers as on the main thread (built to dist/baseline-thread.js).
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { simclrAugment } from '@ssl/augment';
import { useBackend, type BackendName } from '@ssl/backends';
import type { BatchAugment } from '@ssl/trainer';

import { convEncoder } from '@ssl/encoders';

import { runScratch, runScratchBn, runVitScratch } from './baselines';
import { runFixMatchStage, scratchFixMatchSteps } from './fixmatch-stage';
import type { StudyConfig } from './config';
import { loadStudyData } from './data-source';
import { studyAugment } from './augment';
import type { Draw } from './distill-stage';
import type { ResultRow } from './results';

/** What the main thread hands the baseline thread. */
export interface BaselineJob {
  backend: string;
  config: StudyConfig;
  /** The data set's spec (`loadStudyData`) and whether the augmentations flip. */
  data: string;
  flip: boolean;
  draws: Draw[];
}

/** What the baseline thread posts: rows as they come, progress, then done (or an error). */
export type BaselineMessage =
  | { type: 'row'; row: ResultRow }
  | { type: 'progress'; stage: string; done: number; detail: string }
  | { type: 'done' }
  | { type: 'error'; message: string };

async function main(job: BaselineJob): Promise<void> {
  const port = parentPort!;
  await useBackend(job.backend as BackendName, { quiet: true });
  const { config, draws } = job;
  const data = await loadStudyData(job.data, { testLimit: config.testLimit });
  const { images: trainImages, labels: trainLabels } = data.train;
  const test = data.test;
  const augmentOp = simclrAugment(studyAugment(config, job.flip));
  const augment: BatchAugment = (x, seed) => augmentOp(x, seed);
  const record = async (row: ResultRow) => port.postMessage({ type: 'row', row });
  const onDraw = (stage: string) => (done: number, detail: string) =>
    port.postMessage({ type: 'progress', stage, done, detail });
  const common = { draws, trainImages, trainLabels, test, augment, record };
  if (config.scratch !== false) {
    await runScratch({ ...common, config, onDraw: onDraw('CNN from scratch') });
  }
  if (config.scratchBn) {
    await runScratchBn({
      ...common,
      config: config.scratchBn,
      onDraw: onDraw('CNN + batch norm from scratch'),
    });
  }
  if (config.fixMatch) {
    // FixMatch from scratch: the same CNN, the labels and the unlabelled images, the compute
    // of pretraining + "pretrained → FixMatch" (compute.ts)
    const unlabelled = config.pretrainLimit
      ? (tf.slice(trainImages, 0, config.pretrainLimit) as tf.Tensor4D)
      : trainImages;
    const { filters, batchNorm } = config.encoder;
    await runFixMatchStage({
      ...common,
      method: 'fixmatch',
      encoder: (seed) =>
        convEncoder({
          filters,
          batchNorm,
          inputShape: trainImages.shape.slice(1) as [number, number, number],
          seed: 3000 + seed,
        }),
      steps: scratchFixMatchSteps(config, unlabelled.shape[0]),
      config: config.fixMatch,
      labelsPerClass: config.fixMatch.scratchLabelsPerClass,
      unlabelled,
      flip: job.flip,
      onDraw: onDraw('FixMatch from scratch'),
    });
    if (unlabelled !== trainImages) unlabelled.dispose();
  }
  if (config.mae && config.mae.scratch !== false) {
    await runVitScratch({ ...common, config: config.mae, onDraw: onDraw('ViT from scratch') });
  }
  tf.dispose([trainImages, trainLabels, test.images, test.labels]);
  port.postMessage({ type: 'done' });
}

if (parentPort) {
  main(workerData as BaselineJob).catch((e: Error) =>
    parentPort!.postMessage({ type: 'error', message: e.message }),
  );
}

import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { cloneModel, distill, type BatchAugment } from '@ssl/trainer';

import { classifierAccuracy, fineTuneClassifier, type ClassifierTraining } from './classifier';
import type { ResultRow } from './results';

/** Settings of the "pretrain → fine-tune → distill" rows (SimCLRv2's three steps). */
export interface DistillConfig {
  /** The teacher: LP-FT fine-tuning of the pretrained encoder, per labels-per-class setting. */
  teacher: Record<number, ClassifierTraining>;
  /** Passes of the student over all unlabelled train images. */
  epochs: number;
  batchSize: number;
  lr: number;
  /** τ of the soft targets. */
  temperature: number;
  /** Weight α of the labelled cross-entropy beside the distillation term. */
  labelledWeight: number;
  /**
   * Where the student starts: `'teacher'`: a copy of the fine-tuned teacher
   * (self-distillation, SimCLRv2 §2.3); `'probe'`: the pretrained encoder with a
   * linear-probe head (no end-to-end fine-tuning before distillation).
   */
  studentInit: 'teacher' | 'probe';
}

/** One labelled draw of the study. */
export interface Draw {
  lpc: number;
  seed: number;
  idx: number[];
}

export interface DistillStageInput {
  /** Method id prefix of the rows, e.g. 'simclr'. */
  method: string;
  encoder: tfl.LayersModel;
  /** The labelled draws index these. */
  trainImages: tf.Tensor4D;
  trainLabels: tf.Tensor1D;
  /** The unlabelled images distilled on (all train images in the full study). */
  unlabeled: tf.Tensor4D;
  test: { images: tf.Tensor4D; labels: tf.Tensor1D };
  draws: Draw[];
  config: DistillConfig;
  augment: BatchAugment;
  record: (row: ResultRow) => Promise<void>;
  onDraw: (done: number, detail: string) => void;
  /** Called with the distilled classifier of the first draw at `keepAt` labels per class (the caller saves it). */
  keep?: { lpc: number; use: (model: tfl.LayersModel) => Promise<void> };
}

/** Display names of the rows this stage records. */
export const DISTILL_NAMES = (method: string, name: string): Record<string, string> => ({
  [`${method}-teacher`]: `${name} → fine-tune (LP-FT, the teacher)`,
  [`${method}-distill`]: `${name} → fine-tune → distill`,
});

/**
 * For every labelled draw: fine-tune the pretrained encoder on the labels
 * (the teacher, scored as its own row), then distill it with `distill` of
 * `@ssl/trainer` into a student on **all** unlabelled train images, and score
 * the student.
 */
export async function runDistillStage(input: DistillStageInput): Promise<void> {
  const { method, encoder, trainImages, trainLabels, unlabeled, test, draws, config, augment } =
    input;
  const numClasses = 10;
  const kept = new Set<number>();
  for (const [i, d] of draws.entries()) {
    const idx = tf.tensor1d(d.idx, 'int32');
    const images = tf.gather(trainImages, idx) as tf.Tensor4D;
    const labels = tf.gather(trainLabels, idx) as tf.Tensor1D;
    idx.dispose();
    const ys = Array.from(labels.dataSync());
    const tc = config.teacher[d.lpc];
    let t = Date.now();
    const teacher = await fineTuneClassifier(
      encoder,
      images,
      ys,
      numClasses,
      unlabeled,
      tc,
      augment,
      d.seed,
    );
    await input.record({
      method: `${method}-teacher`,
      labelsPerClass: d.lpc,
      seed: d.seed,
      accuracy: await classifierAccuracy(teacher, test.images, test.labels),
      seconds: (Date.now() - t) / 1000,
    });
    t = Date.now();
    const student =
      config.studentInit === 'teacher'
        ? await cloneModel(teacher)
        : await fineTuneClassifier(
            encoder,
            images,
            ys,
            numClasses,
            unlabeled,
            { ...tc, steps: 0 },
            augment,
            d.seed,
          );
    const r = await distill({
      teacher,
      student,
      unlabeled,
      temperature: config.temperature,
      labelled: { images, labels },
      labelledWeight: config.labelledWeight,
      labelledBatchSize: Math.min(32, ys.length),
      epochs: config.epochs,
      batchSize: config.batchSize,
      lr: config.lr,
      augment,
      seed: d.seed,
    });
    const accuracy = await classifierAccuracy(student, test.images, test.labels);
    await input.record({
      method: `${method}-distill`,
      labelsPerClass: d.lpc,
      seed: d.seed,
      accuracy,
      seconds: (Date.now() - t) / 1000,
    });
    if (input.keep && input.keep.lpc === d.lpc && !kept.has(d.lpc)) {
      kept.add(d.lpc);
      await input.keep.use(student);
    }
    teacher.dispose();
    student.dispose();
    tf.dispose([images, labels]);
    input.onDraw(
      (i + 1) / draws.length,
      `${d.lpc}/class seed ${d.seed}: ${(100 * accuracy).toFixed(1)}% (KL ${r.history.at(-1)!.kl.toFixed(3)})`,
    );
  }
}

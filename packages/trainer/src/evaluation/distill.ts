import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import { softmaxCrossEntropy } from './cross-entropy';
import { classifierMetadata, createClassifier, type Classifier } from './classifier';
import { withSoftmax } from './classifier-model';
import { cloneModel } from '../methods/momentum-model';
import type { BatchAugment } from './fine-tune';
import {
  checkLabelledSet,
  checkPositive,
  checkPositiveInt,
  type LabelledSet,
} from './labelled-set';
import { createRng, shuffleInPlace } from '@ssl/augment';

/** A teacher: a Layers model or a function, images `[B, ...]` → logits `[B, C]`. */
export type DistillTeacher = tfl.LayersModel | ((images: tf.Tensor) => tf.Tensor2D);

/** Options of {@link distill}. */
export interface DistillOptions {
  /**
   * The teacher (e.g. a fine-tuned pretrained encoder + head): images → logits
   * `[B, C]`. A Layers model runs in inference mode; it is never changed.
   */
  teacher: DistillTeacher;
  /** The student, images → logits `[B, C]`, trained **in place** (its weights change). */
  student: tfl.LayersModel;
  /** Unlabelled images `[N, ...]` (e.g. all train images): the teacher's soft targets are computed on them. */
  unlabeled: tf.Tensor;
  /** Temperature τ of both softmaxes, `softmax(logits / τ)`. Default 1. */
  temperature?: number;
  /** Labelled images and labels, for the optional hard-label term (see `labelledWeight`). */
  labelled?: LabelledSet;
  /**
   * Weight α of the labelled cross-entropy: loss = (1 − α)·distillation + α·CE(labels).
   * Needs `labelled` when > 0. Default 0 (pure distillation, SimCLRv2 eq. 3).
   */
  labelledWeight?: number;
  /** Labelled images per step (cycled, reshuffled each pass). Default min(64, number labelled). */
  labelledBatchSize?: number;
  /**
   * Multiply the distillation term by τ² (Hinton et al. 2015, §2): its gradients
   * scale as 1/τ², so this keeps its weight against the labelled term when τ
   * changes. Default true. (At τ = 1 it makes no difference.)
   */
  scaleByTemperatureSquared?: boolean;
  /** Passes over `unlabeled`. Default 1. */
  epochs?: number;
  /** Unlabelled images per step. Default 128. */
  batchSize?: number;
  /** Adam learning rate (ignored when `optimizer` is given). Default 1e-3. */
  lr?: number;
  /** The optimizer; default `tf.train.adam(lr)`, created and disposed here. A given one is not disposed. */
  optimizer?: tf.Optimizer;
  /**
   * Applied to the student's batches (unlabelled and labelled) with a per-step
   * seed. The teacher sees the un-augmented images (its targets are computed
   * once, before training — the Noisy Student arrangement, Xie et al. 2020).
   */
  augment?: BatchAugment;
  /** Seed of the batch order and the augmentation seeds. Default 0. */
  seed?: number;
  /** Images per teacher pass when computing the targets. Default 256. */
  teacherBatchSize?: number;
  /** Called after every epoch with that epoch's record. */
  onEpochEnd?: (record: DistillEpoch) => void | Promise<void>;
  /** Class names of the returned classifier, by index. Default `['0', '1', ...]`. */
  classNames?: string[];
  /** Pixel range recorded in the classifier. Default `[0, 1]` for images, none otherwise. */
  pixelRange?: [number, number];
}

/** One epoch of {@link distill}: means over its steps. */
export interface DistillEpoch {
  epoch: number;
  /** The minimised loss (weighted sum of the terms). */
  loss: number;
  /** KL(p_teacher ‖ p_student) at temperature τ, on the student's (augmented) batches, in nats. */
  kl: number;
  /** Cross-entropy on the labelled batches (NaN without a labelled term). */
  labelledLoss: number;
  seconds: number;
}

/** Result of {@link distill}. */
export interface DistillResult {
  history: DistillEpoch[];
  steps: number;
  seconds: number;
  /** Fraction of `unlabeled` on which the trained student's arg-max equals the teacher's (inference mode). */
  agreement: number;
  /**
   * A copy of the trained student (+ softmax) as a {@link Classifier}, its
   * own weights (the student stays yours). The caller disposes it.
   */
  classifier: Classifier;
}

/**
 * Distillation on unlabelled data, the third step of SimCLRv2 (Chen et al.
 * 2020, "Big Self-Supervised Models are Strong Semi-Supervised Learners",
 * §2.3): the teacher's soft targets `p_T = softmax(teacher(x) / τ)` on every
 * unlabelled image, the student trained to minimise
 * `−Σ_c p_T(c) · log softmax(student(aug(x)) / τ)_c` (eq. 3; scaled by τ² unless
 * `scaleByTemperatureSquared: false`), optionally mixed with the cross-entropy
 * of the few labels: `(1 − α)·distill + α·CE`. Seeded batch order and
 * augmentation: same seed, same student. Returns the per-epoch history and a
 * copy of the student as a {@link Classifier} (the caller disposes it); the
 * student is trained in place.
 *
 * @example
 * const { history, agreement } = await distill({
 *   teacher, student, unlabeled: trainImages, temperature: 1, epochs: 2, augment,
 * });
 */
export async function distill(options: DistillOptions): Promise<DistillResult> {
  const fn = 'distill';
  if (options == null || typeof options !== 'object') {
    throw new Error(
      `${fn}: options must be an object { teacher, student, unlabeled, ... }, got ${options}`,
    );
  }
  const {
    teacher,
    student,
    unlabeled,
    temperature = 1,
    labelled,
    labelledWeight = 0,
    scaleByTemperatureSquared = true,
    epochs = 1,
    batchSize = 128,
    lr = 1e-3,
    augment,
    seed = 0,
    teacherBatchSize = 256,
    onEpochEnd,
  } = options;
  const isModel = (m: unknown): m is tfl.LayersModel =>
    // An object with apply(): a plain function has Function.prototype.apply too.
    m != null && typeof m === 'object' && typeof (m as { apply?: unknown }).apply === 'function';
  if (!isModel(teacher) && typeof teacher !== 'function') {
    throw new Error(
      `${fn}: teacher must be a tfjs LayersModel or a function images => logits, got ${teacher}`,
    );
  }
  if (!isModel(student)) {
    throw new Error(`${fn}: student must be a tfjs LayersModel, got ${student}`);
  }
  if (!(unlabeled instanceof tf.Tensor) || unlabeled.rank < 2 || unlabeled.shape[0] === 0) {
    throw new Error(
      `${fn}: unlabeled must be a tensor [N, ...] with N >= 1, got ${unlabeled instanceof tf.Tensor ? `shape [${unlabeled.shape}]` : unlabeled}`,
    );
  }
  checkPositive(fn, 'temperature', temperature);
  checkPositiveInt(fn, 'epochs', epochs);
  checkPositiveInt(fn, 'batchSize', batchSize);
  checkPositiveInt(fn, 'teacherBatchSize', teacherBatchSize);
  if (options.optimizer == null) checkPositive(fn, 'lr', lr);
  if (!(Number.isFinite(labelledWeight) && labelledWeight >= 0 && labelledWeight <= 1)) {
    throw new Error(`${fn}: labelledWeight must be a number in [0, 1], got ${labelledWeight}`);
  }
  if (augment != null && typeof augment !== 'function') {
    throw new Error(
      `${fn}: augment must be a function (images, seed) => images, got ${typeof augment}`,
    );
  }
  let labels: number[] = [];
  if (labelled != null) {
    labels = checkLabelledSet(fn, 'labelled', labelled);
    if (!(labelled.images instanceof tf.Tensor)) {
      throw new Error(`${fn}: labelled.images must be a tensor of images, got named inputs`);
    }
    if (labelled.images.rank !== unlabeled.rank) {
      throw new Error(
        `${fn}: labelled.images must have the rank of unlabeled (${unlabeled.rank}), got shape [${labelled.images.shape}]`,
      );
    }
  } else if (labelledWeight > 0) {
    throw new Error(
      `${fn}: labelledWeight ${labelledWeight} > 0 needs labelled { images, labels }`,
    );
  }
  const labelledBatchSize = options.labelledBatchSize ?? Math.min(64, labels.length || 1);
  checkPositiveInt(fn, 'labelledBatchSize', labelledBatchSize);

  const n = unlabeled.shape[0];
  const teach = (x: tf.Tensor): tf.Tensor2D =>
    isModel(teacher)
      ? (teacher.apply(x, { training: false }) as tf.Tensor2D)
      : (teacher as (images: tf.Tensor) => tf.Tensor2D)(x);
  // Soft targets p_T = softmax(teacher / τ), once, on the un-augmented images: [N, C].
  const targets = tf.tidy(() => {
    const parts: tf.Tensor2D[] = [];
    for (let start = 0; start < n; start += teacherBatchSize) {
      const size = Math.min(teacherBatchSize, n - start);
      const logits = teach(sliceRows(unlabeled, start, size));
      if (logits.rank !== 2 || logits.shape[0] !== size) {
        throw new Error(
          `${fn}: teacher must return logits [B, C] for B images, got shape [${logits.shape}] for B = ${size}`,
        );
      }
      parts.push(tf.softmax(tf.div(logits, temperature)) as tf.Tensor2D);
    }
    return parts.length === 1 ? parts[0] : (tf.concat(parts, 0) as tf.Tensor2D);
  });
  const numClasses = targets.shape[1];
  const studentClasses = tf.tidy(() => {
    const out = student.apply(sliceRows(unlabeled, 0, 1), { training: false }) as tf.Tensor;
    return out.rank === 2 ? out.shape[1] : -1;
  });
  if (studentClasses !== numClasses) {
    targets.dispose();
    throw new Error(
      `${fn}: student must return logits [B, ${numClasses}] (the teacher's classes), got [B, ${studentClasses}]`,
    );
  }
  if (labels.some((y) => y >= numClasses)) {
    targets.dispose();
    throw new Error(
      `${fn}: labelled.labels must be < the teacher's ${numClasses} classes, got ${Math.max(...labels)}`,
    );
  }

  const optimizer = options.optimizer ?? tf.train.adam(lr);
  const vars = student.trainableWeights.map((v) => v.read() as tf.Variable);
  const yLabelled =
    labelled != null
      ? tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), numClasses), 'float32'))
      : null;
  const distillScale = scaleByTemperatureSquared ? temperature * temperature : 1;
  const useLabelled = labelled != null && labelledWeight > 0;
  const history: DistillEpoch[] = [];
  const t0 = Date.now();
  let step = 0;
  try {
    const rand = createRng(seed);
    const order = Array.from({ length: n }, (_, i) => i);
    const lOrder = labels.map((_, i) => i);
    let lPos = lOrder.length; // forces a shuffle before the first labelled batch
    for (let epoch = 0; epoch < epochs; epoch++) {
      const te = Date.now();
      shuffleInPlace(order, rand);
      let sumLoss = 0;
      let sumKl = 0;
      let sumLab = 0;
      let steps = 0;
      for (let start = 0; start < n; start += batchSize) {
        const idx = tf.tensor1d(order.slice(start, start + batchSize), 'int32');
        let lIdx: tf.Tensor1D | null = null;
        if (useLabelled) {
          const pick: number[] = [];
          while (pick.length < Math.min(labelledBatchSize, lOrder.length)) {
            if (lPos >= lOrder.length) {
              shuffleInPlace(lOrder, rand);
              lPos = 0;
            }
            pick.push(lOrder[lPos++]);
          }
          lIdx = tf.tensor1d(pick, 'int32');
        }
        const stepSeed = (seed * 1000003 + step++) >>> 0;
        let kl = 0;
        let lab = NaN;
        const parts = tf.tidy(() => {
          let kept: tf.Scalar[] = [];
          const cost = optimizer.minimize(
            () => {
              let x = tf.gather(unlabeled, idx);
              if (augment) x = augment(x as tf.Tensor4D, stepSeed);
              const p = tf.gather(targets, idx) as tf.Tensor2D;
              const logits = student.apply(x, { training: true }) as tf.Tensor2D;
              const soft = softmaxCrossEntropy(p, tf.div(logits, temperature));
              // KL = CE(p, q) − H(p); H(p) is a constant of the targets.
              const entropy = tf.neg(tf.mean(tf.sum(tf.mul(p, tf.log(tf.add(p, 1e-12))), 1)));
              let loss = tf.mul(distillScale * (1 - labelledWeight), soft) as tf.Scalar;
              kept = [tf.keep(tf.sub(soft, entropy) as tf.Scalar)];
              if (lIdx != null && labelled != null) {
                let xl = tf.gather(labelled.images as tf.Tensor, lIdx);
                if (augment) xl = augment(xl as tf.Tensor4D, (stepSeed ^ 0x5bd1e995) >>> 0);
                const ll = student.apply(xl, { training: true }) as tf.Tensor2D;
                const ce = softmaxCrossEntropy(tf.gather(yLabelled!, lIdx), ll);
                kept.push(tf.keep(ce));
                loss = tf.add(loss, tf.mul(labelledWeight, ce)) as tf.Scalar;
              }
              return loss;
            },
            true,
            vars,
          );
          return [cost!, ...kept];
        });
        idx.dispose();
        lIdx?.dispose();
        const values = await Promise.all(parts.map((t) => t.data()));
        tf.dispose(parts);
        const loss = values[0][0];
        kl = values[1][0];
        if (values.length > 2) lab = values[2][0];
        if (!Number.isFinite(loss)) {
          throw new Error(`${fn}: the loss became ${loss} at step ${step}; lower lr (got ${lr})`);
        }
        sumLoss += loss;
        sumKl += kl;
        sumLab += lab;
        steps++;
      }
      const record: DistillEpoch = {
        epoch,
        loss: sumLoss / steps,
        kl: sumKl / steps,
        labelledLoss: useLabelled ? sumLab / steps : NaN,
        seconds: (Date.now() - te) / 1000,
      };
      history.push(record);
      if (onEpochEnd) await onEpochEnd(record);
    }
    const agreement = await agreementWithTargets(student, unlabeled, targets, teacherBatchSize);
    const probs = withSoftmax(await cloneModel(student));
    let classifier: Classifier;
    try {
      classifier = createClassifier(
        probs,
        classifierMetadata(fn, probs, {
          kind: 'distill',
          classNames: options.classNames,
          pixelRange: options.pixelRange,
          encoder: null,
        }),
      );
    } catch (e) {
      probs.dispose();
      throw e;
    }
    return { history, steps: step, seconds: (Date.now() - t0) / 1000, agreement, classifier };
  } finally {
    targets.dispose();
    yLabelled?.dispose();
    if (options.optimizer == null) optimizer.dispose();
  }
}

/** Rows `[start, start + size)` of a tensor of any rank ≥ 1. */
function sliceRows(x: tf.Tensor, start: number, size: number): tf.Tensor {
  const begin = x.shape.map((_, i) => (i === 0 ? start : 0));
  const sizes = x.shape.map((d, i) => (i === 0 ? size : d));
  return tf.slice(x, begin, sizes);
}

/** Fraction of rows where arg-max of the student (inference mode) equals arg-max of the targets. */
async function agreementWithTargets(
  student: tfl.LayersModel,
  images: tf.Tensor,
  targets: tf.Tensor2D,
  batchSize: number,
): Promise<number> {
  const n = images.shape[0];
  let same = 0;
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const eq = tf.tidy(() => {
      const s = student.apply(sliceRows(images, start, size), { training: false }) as tf.Tensor2D;
      const t = tf.slice(targets, [start, 0], [size, -1]);
      return tf.sum(tf.cast(tf.equal(tf.argMax(s, 1), tf.argMax(t, 1)), 'float32'));
    });
    same += (await eq.data())[0];
    eq.dispose();
  }
  return same / n;
}

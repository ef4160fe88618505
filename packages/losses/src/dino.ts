import * as tf from '@tensorflow/tfjs-core';
import { stopGradient } from './stop-gradient';
import { assertOptions, assertSameShape, assertTensor, assertTemperature } from './validate';

/** Options of {@link dinoLoss}. */
export interface DinoLossOptions {
  /** The teacher's running center `[K]`, subtracted from the teacher logits before sharpening. Required. */
  center: tf.Tensor1D;
  /** Student softmax temperature τs. Default 0.1 (DINO). */
  studentTemperature?: number;
  /** Teacher softmax temperature τt (sharpening; DINO warms it up from 0.04 to 0.04–0.07). Default 0.04. */
  teacherTemperature?: number;
}

const FN = 'dinoLoss';

/**
 * The DINO loss (Caron et al. 2021, "Emerging Properties in Self-Supervised
 * Vision Transformers", Algorithm 1): the mean, over every pair of a teacher
 * crop t and a student crop s with s ≠ t, of the cross-entropy
 * `-Σ_k P_t[k] · log P_s[k]` averaged over the batch, where
 * `P_t = softmax((teacher_t - center) / τt)` (centered and sharpened) and
 * `log P_s = log_softmax(student_s / τs)`.
 *
 * Teacher crop t is the same image crop as student crop t (the global crops
 * come first in `studentLogits`), so those pairs are skipped. The teacher
 * side is a target: the loss stops the gradient into `teacherLogits` (and
 * the center), as the authors' DINOLoss detaches the teacher's softmax.
 *
 * @param studentLogits one `[N, K]` tensor per crop (global crops first, then local ones).
 * @param teacherLogits one `[N, K]` tensor per global crop, at most as many as student crops.
 * @param opts see {@link DinoLossOptions} (τs 0.1, τt 0.04).
 *
 * @example
 * ```ts
 * const loss = dinoLoss([s1, s2, l1, l2], [t1, t2], { center, teacherTemperature: 0.04 });
 * ```
 */
export function dinoLoss(
  studentLogits: tf.Tensor2D[],
  teacherLogits: tf.Tensor2D[],
  opts: DinoLossOptions,
): tf.Scalar {
  if (!Array.isArray(studentLogits) || studentLogits.length === 0) {
    throw new Error(`${FN}: studentLogits must be a non-empty array of [N, K] tensors`);
  }
  if (!Array.isArray(teacherLogits) || teacherLogits.length === 0) {
    throw new Error(`${FN}: teacherLogits must be a non-empty array of [N, K] tensors`);
  }
  const first = studentLogits[0];
  studentLogits.forEach((s, i) => {
    assertTensor(FN, `studentLogits[${i}]`, s, 2, '[N, K]');
    assertSameShape(FN, 'studentLogits[0]', first, `studentLogits[${i}]`, s);
  });
  teacherLogits.forEach((t, i) => {
    assertTensor(FN, `teacherLogits[${i}]`, t, 2, '[N, K]');
    assertSameShape(FN, 'studentLogits[0]', first, `teacherLogits[${i}]`, t);
  });
  const pairs =
    teacherLogits.length * studentLogits.length -
    Math.min(teacherLogits.length, studentLogits.length);
  if (pairs < 1) {
    throw new Error(
      `${FN}: needs a student crop other than the teacher's: got ${studentLogits.length} student and ${teacherLogits.length} teacher crops`,
    );
  }
  assertOptions(FN, opts);
  const k = first.shape[1];
  const { center } = opts ?? ({} as DinoLossOptions);
  assertTensor(FN, 'opts.center', center, 1, '[K]');
  if (center.shape[0] !== k) {
    throw new Error(`${FN}: opts.center must have K = ${k} entries, got shape [${center.shape}]`);
  }
  const ts = opts.studentTemperature ?? 0.1;
  const tt = opts.teacherTemperature ?? 0.04;
  assertTemperature(FN, ts);
  assertTemperature(FN, tt);

  return tf.tidy(() => {
    // teacher targets: centered, sharpened [N, K]; student log-probabilities [N, K]
    // stop-gradient on the teacher, as the authors' DINOLoss (its targets are `.detach()`ed)
    const targets = teacherLogits.map((t) =>
      stopGradient(tf.softmax(tf.div(tf.sub(t, center), tt))),
    );
    const logps = studentLogits.map((s) => tf.logSoftmax(tf.div(s, ts)));
    let total: tf.Tensor = tf.scalar(0);
    targets.forEach((q, t) => {
      logps.forEach((lp, s) => {
        if (s === t) return;
        const ce = tf.mean(tf.neg(tf.sum(tf.mul(q, lp), 1))); // mean over the batch
        total = tf.add(total, ce);
      });
    });
    return tf.div(total, pairs) as tf.Scalar;
  });
}

import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describeBackends } from '@ssl/test-utils';

import { distill } from './distill';
import { createRng } from '@ssl/augment';

const D = 4;
const C = 3;

/** Fixed teacher weights: logits = x W + b, W [D, C], b [C]. */
const W = [
  [2.0, -1.0, 0.5],
  [-1.5, 1.0, 1.0],
  [0.5, 2.0, -2.0],
  [1.0, -0.5, 1.5],
];
const B = [0.3, -0.2, 0.1];

function points(n: number, seed: number): number[][] {
  const r = createRng(seed);
  return Array.from({ length: n }, () => Array.from({ length: D }, () => 2 * r.next() - 1));
}

/** Naive float64 logits x W + b. */
function naiveLogits(x: number[][], w: number[][] = W, b: number[] = B): number[][] {
  return x.map((row) => b.map((bc, c) => bc + row.reduce((s, xi, i) => s + xi * w[i][c], 0)));
}

function naiveSoftmax(logits: number[], t: number): number[] {
  const m = Math.max(...logits);
  const e = logits.map((l) => Math.exp((l - m) / t));
  const z = e.reduce((a, v) => a + v, 0);
  return e.map((v) => v / z);
}

/** Mean over rows of KL(p ‖ q) and of CE(p, q), at temperature t, in float64. */
function naiveKlCe(teacher: number[][], student: number[][], t: number) {
  let kl = 0;
  let ce = 0;
  teacher.forEach((tl, i) => {
    const p = naiveSoftmax(tl, t);
    const q = naiveSoftmax(student[i], t);
    p.forEach((pc, c) => {
      kl += pc * Math.log(pc / q[c]);
      ce -= pc * Math.log(q[c]);
    });
  });
  return { kl: kl / teacher.length, ce: ce / teacher.length };
}

const argMax = (xs: number[]) => xs.indexOf(Math.max(...xs));

/** A linear student [N, D] -> [N, C] with seeded random weights. */
function linearStudent(seed: number): tfl.LayersModel {
  const input = tfl.input({ shape: [D] });
  const out = tfl.layers
    .dense({ units: C, kernelInitializer: tfl.initializers.glorotUniform({ seed }) })
    .apply(input) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

/** The fixed teacher as a function of tensors. */
function teacherFn(x: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => tf.add(tf.matMul(x as tf.Tensor2D, tf.tensor2d(W)), tf.tensor1d(B)));
}

const predict = (m: tfl.LayersModel, x: tf.Tensor2D) => {
  const out = m.predict(x) as tf.Tensor2D;
  const v = out.arraySync();
  out.dispose();
  return v;
};

/** Adds seeded noise in [-0.05, 0.05): a stand-in for an augmentation. */
const jitter = (x: tf.Tensor4D, seed: number): tf.Tensor4D =>
  tf.tidy(() => tf.add(x, tf.randomUniform(x.shape, -0.05, 0.05, 'float32', seed)));

describeBackends('distill', () => {
  it("trains a student to the fixed teacher's predictions (agreement >= 99%, KL ~ 0)", async () => {
    const xs = points(240, 1);
    const x = tf.tensor2d(xs);
    const student = linearStudent(7);
    const t = 2;
    const before = naiveKlCe(naiveLogits(xs), predict(student, x), t);
    const { history, agreement } = await distill({
      teacher: teacherFn,
      student,
      unlabeled: x,
      temperature: t,
      epochs: 60,
      batchSize: 48,
      lr: 0.05,
      seed: 3,
    });
    const expected = naiveLogits(xs); // soft targets computed independently of distill
    const got = predict(student, x);
    const agree = expected.filter((e, i) => argMax(e) === argMax(got[i])).length / xs.length;
    const after = naiveKlCe(expected, got, t);
    expect(before.kl).toBeGreaterThan(0.1);
    expect(agree).toBeGreaterThanOrEqual(0.99);
    expect(agreement).toBeCloseTo(agree, 10);
    expect(after.kl).toBeLessThan(2e-3);
    // The history's KL is the same quantity, measured during training.
    expect(history).toHaveLength(60);
    expect(history[0].kl).toBeGreaterThan(10 * history[59].kl);
    expect(history[59].kl).toBeLessThan(5e-3);
    expect(Number.isNaN(history[59].labelledLoss)).toBe(true);
    tf.dispose(x);
    student.dispose();
  });

  it('minimises τ²·CE(p_T, q_S) (or plain CE), with KL = CE − H(p_T), as a float64 loop computes', async () => {
    const xs = points(32, 2);
    const x = tf.tensor2d(xs);
    const t = 3;
    for (const scale of [true, false]) {
      const student = linearStudent(11);
      const start = naiveKlCe(naiveLogits(xs), predict(student, x), t);
      // One step of one batch with a negligible learning rate: the loss at the start.
      const { history } = await distill({
        teacher: teacherFn,
        student,
        unlabeled: x,
        temperature: t,
        batchSize: 32,
        lr: 1e-12,
        scaleByTemperatureSquared: scale,
      });
      expect(history[0].loss).toBeCloseTo((scale ? t * t : 1) * start.ce, 4);
      expect(history[0].kl).toBeCloseTo(start.kl, 4);
      student.dispose();
    }
    tf.dispose(x);
  });

  it('labelledWeight 1 follows the labels, not the teacher; 0.5 mixes the two terms', async () => {
    const xs = points(60, 4);
    const x = tf.tensor2d(xs);
    // Labels that disagree with the teacher everywhere: (teacher's class + 1) mod C.
    const wrong = naiveLogits(xs).map((l) => (argMax(l) + 1) % C);
    const labelled = { images: x, labels: tf.tensor1d(wrong, 'int32') };
    const student = linearStudent(5);
    const r = await distill({
      teacher: teacherFn,
      student,
      unlabeled: x,
      labelled,
      labelledWeight: 1,
      epochs: 40,
      batchSize: 30,
      labelledBatchSize: 30,
      lr: 0.05,
    });
    const got = predict(student, x);
    const fit = wrong.filter((y, i) => argMax(got[i]) === y).length / xs.length;
    expect(fit).toBeGreaterThan(0.8);
    expect(r.agreement).toBeLessThan(0.2);
    expect(r.history[39].labelledLoss).toBeLessThan(r.history[0].labelledLoss);

    const s2 = linearStudent(5);
    const mixed = await distill({
      teacher: teacherFn,
      student: s2,
      unlabeled: x,
      labelled,
      labelledWeight: 0.5,
      batchSize: 60,
      labelledBatchSize: 60,
      lr: 1e-12,
      temperature: 1,
    });
    const h = mixed.history[0];
    expect(h.loss).toBeCloseTo(
      0.5 * naiveKlCe(naiveLogits(xs), predict(s2, x), 1).ce + 0.5 * h.labelledLoss,
      4,
    );
    tf.dispose([x, labelled.labels]);
    student.dispose();
    s2.dispose();
  });

  it('is seeded (same seed, same student), keeps tf.memory().numTensors flat and frees all it made', async () => {
    const xs = points(40, 6);
    const x = tf.tensor4d(xs.flat(), [40, 2, 2, 1]); // images: flattened by the models
    const makeStudent = () => {
      const input = tfl.input({ shape: [2, 2, 1] });
      const flat = tfl.layers.flatten().apply(input) as tfl.SymbolicTensor;
      const out = tfl.layers
        .dense({ units: C, kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) })
        .apply(flat) as tfl.SymbolicTensor;
      return tfl.model({ inputs: input, outputs: out });
    };
    const teacher = makeStudent();
    teacher.layers[2].setWeights([tf.tensor2d(W), tf.tensor1d(B)]);
    const labelled = {
      images: tf.slice(x, 0, 6) as tf.Tensor4D,
      labels: tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32'),
    };
    const run = async () => {
      const before = tf.memory().numTensors;
      const student = makeStudent();
      const counts: number[] = [];
      const result = await distill({
        teacher,
        student,
        unlabeled: x,
        labelled,
        labelledWeight: 0.3,
        epochs: 4,
        batchSize: 8,
        lr: 0.01,
        augment: jitter,
        seed: 9,
        onEpochEnd: () => {
          counts.push(tf.memory().numTensors);
        },
      });
      const weights = student.getWeights().map((w) => Array.from(w.dataSync()));
      student.dispose();
      result.classifier.dispose();
      return { counts, before, weights, after: tf.memory().numTensors };
    };
    const a = await run();
    const b = await run();
    // Flat within a run (epoch 1 on; epoch 0 creates the optimizer's slots).
    expect(new Set(a.counts.slice(1)).size).toBe(1);
    expect(b.weights).toEqual(a.weights);
    expect(a.after).toBe(a.before);
    expect(b.after).toBe(b.before);
    tf.dispose([x, labelled.images, labelled.labels]);
    teacher.dispose();
  });

  it('rejects bad input with one line naming the function and the argument', async () => {
    const x = tf.zeros([4, D]) as tf.Tensor2D;
    const student = linearStudent(1);
    const ok = { teacher: teacherFn, student, unlabeled: x };
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ teacher: 3 }, /^distill: teacher must be a tfjs LayersModel or a function/],
      [{ student: {} }, /^distill: student must be a tfjs LayersModel, got/],
      [
        { unlabeled: [1, 2] },
        /^distill: unlabeled must be a tensor \[N, \.\.\.\] with N >= 1, got 1,2/,
      ],
      [{ temperature: 0 }, /^distill: temperature must be a finite number > 0, got 0/],
      [{ epochs: 1.5 }, /^distill: epochs must be an integer >= 1, got 1.5/],
      [{ labelledWeight: 2 }, /^distill: labelledWeight must be a number in \[0, 1\], got 2/],
      [{ labelledWeight: 0.5 }, /^distill: labelledWeight 0.5 > 0 needs labelled/],
      [
        { teacher: (t: tf.Tensor) => tf.zeros([t.shape[0], 5]) },
        /^distill: student must return logits \[B, 5\] \(the teacher's classes\), got \[B, 3\]/,
      ],
      [
        { teacher: () => tf.zeros([1, 3]) },
        /^distill: teacher must return logits \[B, C\] for B images, got shape \[1,3\] for B = 4/,
      ],
    ];
    const before = tf.memory().numTensors;
    for (const [bad, re] of cases) {
      await expect(distill({ ...ok, ...bad } as never)).rejects.toThrow(re);
    }
    await expect(distill(null as never)).rejects.toThrow(/^distill: options must be an object/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(x);
    student.dispose();
  });
});
